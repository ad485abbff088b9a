package org.wslx.warp.backend.kvm.device.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.wslx.warp.backend.kvm.device.virtio.DescriptorChain;
import org.wslx.warp.backend.kvm.device.virtio.DeviceSignals;
import org.wslx.warp.backend.kvm.device.virtio.VirtioDevice;
import org.wslx.warp.backend.kvm.device.virtio.Virtqueue;
import org.wslx.warp.backend.kvm.device.virtio.VirtqueueException;

/**
 * A virtio block device (device ID 2, virtio 1.x §5.2) with one request queue over a
 * {@link BlockStore}. Requests are served on the vCPU thread that notified the queue, in order:
 * read, write, flush and get-id; anything else is answered UNSUPP. A request outside the disk, a
 * write to a read-only disk, or a store error is answered IOERR; the guest stays in charge. Only
 * a chain that breaks the virtqueue rules (no header, no status byte) puts the device in its error
 * state.
 */
public final class VirtioBlock implements VirtioDevice {
    public static final int DEVICE_ID = 2;
    public static final int QUEUE_SIZE_MAX = 256;
    public static final int SECTOR = 512;
    /** Data segments per request the driver may use (SEG_MAX); the header and status take two more. */
    static final int SEGMENTS_MAX = QUEUE_SIZE_MAX - 2;
    /** The length of the serial number get-id returns (VIRTIO_BLK_ID_BYTES). */
    public static final int ID_BYTES = 20;

    static final long F_SEG_MAX = 1L << 2;
    static final long F_RO = 1L << 5;
    static final long F_FLUSH = 1L << 9;

    static final int T_IN = 0;
    static final int T_OUT = 1;
    static final int T_FLUSH = 4;
    static final int T_GET_ID = 8;
    static final byte S_OK = 0;
    static final byte S_IOERR = 1;
    static final byte S_UNSUPP = 2;
    static final int HEADER = 16;

    private final String description;
    private final BlockStore store;
    private final byte[] id;
    private Virtqueue queue;
    private DeviceSignals signals;

    /**
     * @param description names the device in error messages, e.g. "disk 0 of instance 'debian'"
     * @param serial      what get-id reports (at most 20 bytes are used)
     */
    public VirtioBlock(String description, BlockStore store, String serial) {
        this.description = description;
        this.store = store;
        byte[] s = serial.getBytes(StandardCharsets.US_ASCII);
        this.id = java.util.Arrays.copyOf(s, Math.min(s.length, ID_BYTES));
    }

    /** Sectors the guest sees. */
    public long capacity() {
        return store.size() / SECTOR;
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long features() {
        return F_SEG_MAX | F_FLUSH | (store.readOnly() ? F_RO : 0);
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int queueSizeMax() {
        return QUEUE_SIZE_MAX;
    }

    /** {@code struct virtio_blk_config}: capacity (u64 at 0), size_max (u32 at 8, not offered), seg_max (u32 at 12). */
    @Override
    public void readConfig(int offset, byte[] data) {
        ByteBuffer config = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        config.putLong(0, capacity()).putInt(12, SEGMENTS_MAX);
        for (int i = 0; i < data.length && offset + i < config.capacity(); i++) {
            if (offset + i >= 0) {
                data[i] = config.get(offset + i);
            }
        }
    }

    @Override
    public synchronized void activate(List<Virtqueue> queues, DeviceSignals deviceSignals) {
        queue = queues.get(0);
        signals = deviceSignals;
        serve();
    }

    @Override
    public synchronized void queueNotified(int index) {
        if (queue != null && index == 0) {
            serve();
        }
    }

    @Override
    public synchronized void reset() {
        queue = null;
        signals = null;
    }

    private void serve() {
        boolean used = false;
        try {
            DescriptorChain chain;
            while ((chain = queue.pop()) != null) {
                queue.pushUsed(chain, handle(chain));
                used = true;
            }
        } catch (VirtqueueException e) {
            DeviceSignals s = signals;
            queue = null;
            signals = null;
            s.deviceFailed(e.getMessage());
            return;
        }
        if (used && !queue.interruptSuppressed()) {
            signals.usedBuffers();
        }
    }

    /** Serves one request; returns the bytes written into the chain (data and status). */
    private int handle(DescriptorChain chain) throws VirtqueueException {
        long writable = chain.writableBytes();
        byte[] readable = queue.readAll(chain);
        if (readable.length < HEADER || writable < 1) {
            throw new VirtqueueException(description + ": request " + chain.head() + " has " + readable.length
                    + " device-readable and " + writable + " device-writable bytes; it needs a 16-byte header and a status byte");
        }
        ByteBuffer header = ByteBuffer.wrap(readable).order(ByteOrder.LITTLE_ENDIAN);
        int type = header.getInt(0);
        long sector = header.getLong(8);
        // The status is the last device-writable byte; the data area (if any) precedes it.
        byte[] reply = new byte[(int) writable];
        int dataIn = reply.length - 1;
        byte status = switch (type) {
            case T_IN -> transfer(sector, ByteBuffer.wrap(reply, 0, dataIn), false);
            case T_OUT -> store.readOnly() ? S_IOERR : transfer(sector, ByteBuffer.wrap(readable, HEADER, readable.length - HEADER), true);
            case T_FLUSH -> flush();
            case T_GET_ID -> {
                System.arraycopy(id, 0, reply, 0, Math.min(id.length, dataIn));
                yield S_OK;
            }
            default -> S_UNSUPP;
        };
        if (status == S_OK && (type == T_IN || type == T_GET_ID)) {
            reply[dataIn] = status;
            queue.writeInto(chain, reply, 0, reply.length);
            return reply.length;
        }
        queue.writeLast(chain, status);
        return 1;
    }

    /** Moves whole sectors between the store and {@code buffer}; IOERR when they are not all inside the disk. */
    private byte transfer(long sector, ByteBuffer buffer, boolean write) {
        int length = buffer.remaining();
        if (length % SECTOR != 0 || sector < 0 || sector > capacity() || length / SECTOR > capacity() - sector) {
            return S_IOERR;
        }
        try {
            if (write) {
                store.write(sector * SECTOR, buffer);
            } else {
                store.read(sector * SECTOR, buffer);
            }
            return buffer.hasRemaining() ? S_IOERR : S_OK;
        } catch (IOException | RuntimeException e) {
            return S_IOERR;
        }
    }

    private byte flush() {
        if (store.readOnly()) {
            return S_OK;
        }
        try {
            store.flush();
            return S_OK;
        } catch (IOException e) {
            return S_IOERR;
        }
    }
}
