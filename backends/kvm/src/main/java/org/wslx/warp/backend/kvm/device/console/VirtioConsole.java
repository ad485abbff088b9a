package org.wslx.warp.backend.kvm.device.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.wslx.warp.backend.kvm.device.virtio.DescriptorChain;
import org.wslx.warp.backend.kvm.device.virtio.DeviceSignals;
import org.wslx.warp.backend.kvm.device.virtio.VirtioDevice;
import org.wslx.warp.backend.kvm.device.virtio.Virtqueue;
import org.wslx.warp.backend.kvm.device.virtio.VirtqueueException;
import org.wslx.warp.control.ByteStream;

/**
 * A virtio console (device ID 3) with one port and no multiport feature: the control channel of
 * VIRTIO-MMIO-CHANNEL.md. Queue 0 (receiveq) carries host bytes to the guest, queue 1
 * (transmitq) guest bytes to the host. The host side is a {@link ByteStream}: writes block while
 * the guest has posted no receive buffers, and the guest's transmit buffers are left in its ring
 * once {@link #INBOUND_CAPACITY} bytes wait for the host to read them, so neither side can make
 * the other buffer without bound.
 */
public final class VirtioConsole implements VirtioDevice, ByteStream {
    public static final int DEVICE_ID = 3;
    public static final int QUEUE_SIZE_MAX = 256;
    static final int RECEIVEQ = 0;
    static final int TRANSMITQ = 1;
    static final int INBOUND_CAPACITY = 256 * 1024;

    private final String description;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Guest bytes the host has not read, one array per transmit chain. */
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private int headOffset;
    private int inboundCount;
    private List<Virtqueue> queues;
    private DeviceSignals signals;
    private boolean closed;
    private String closedReason = "";

    private final InputStream input = new InputStream() {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return readFromGuest(b, off, len);
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return inboundCount;
            } finally {
                lock.unlock();
            }
        }
    };

    private final OutputStream output = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writeToGuest(b, off, len);
        }
    };

    public VirtioConsole(String description) {
        this.description = description;
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long features() {
        return 0; // VERSION_1 only, which the transport adds; no MULTIPORT, SIZE or EMERG_WRITE
    }

    @Override
    public int queueCount() {
        return 2;
    }

    @Override
    public int queueSizeMax() {
        return QUEUE_SIZE_MAX;
    }

    @Override
    public void readConfig(int offset, byte[] data) {
        // cols, rows, max_nr_ports and emerg_wr exist only with features this device does not offer: all zero.
    }

    @Override
    public void activate(List<Virtqueue> activeQueues, DeviceSignals deviceSignals) {
        lock.lock();
        try {
            queues = List.copyOf(activeQueues);
            signals = deviceSignals;
            changed.signalAll();
            drainTransmit();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void queueNotified(int queue) {
        lock.lock();
        try {
            if (queues == null) {
                return;
            }
            if (queue == TRANSMITQ) {
                drainTransmit();
            } else {
                changed.signalAll(); // a writer may be waiting for receive buffers
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void reset() {
        lock.lock();
        try {
            queues = null;
            signals = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The machine has gone: readers get what is buffered and then end of stream, writers an error. */
    public void disconnect(String reason) {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                closedReason = reason;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        disconnect("the control channel was closed by the host");
    }

    /** Moves the guest's transmitted chains into the inbound buffer while it is below capacity. Lock held. */
    private void drainTransmit() {
        Virtqueue tx = queues.get(TRANSMITQ);
        boolean used = false;
        try {
            DescriptorChain chain;
            while (inboundCount < INBOUND_CAPACITY && (chain = tx.pop()) != null) {
                byte[] bytes = tx.readAll(chain);
                if (bytes.length > 0) {
                    inbound.add(bytes);
                    inboundCount += bytes.length;
                }
                tx.pushUsed(chain, 0);
                used = true;
            }
        } catch (VirtqueueException e) {
            fail(e.getMessage());
        }
        if (used) {
            notifyUsed(tx);
            changed.signalAll();
        }
    }

    private int readFromGuest(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (inboundCount == 0) {
                if (closed) {
                    return -1;
                }
                awaitChange();
            }
            int n = 0;
            while (n < len && !inbound.isEmpty()) {
                byte[] head = inbound.peek();
                int take = Math.min(len - n, head.length - headOffset);
                System.arraycopy(head, headOffset, b, off + n, take);
                n += take;
                headOffset += take;
                if (headOffset == head.length) {
                    inbound.poll();
                    headOffset = 0;
                }
            }
            inboundCount -= n;
            if (queues != null) {
                drainTransmit(); // chains left in the ring while the buffer was full
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    private void writeToGuest(byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            while (len > 0) {
                if (closed) {
                    throw new IOException(description + ": " + closedReason);
                }
                DescriptorChain chain = null;
                if (queues != null) {
                    try {
                        chain = queues.get(RECEIVEQ).pop();
                    } catch (VirtqueueException e) {
                        fail(e.getMessage());
                    }
                }
                if (chain == null) {
                    awaitChange(); // no receive buffer: wait for the guest (backpressure)
                    continue;
                }
                Virtqueue rx = queues.get(RECEIVEQ);
                int n = rx.writeInto(chain, b, off, len);
                rx.pushUsed(chain, n);
                notifyUsed(rx);
                off += n;
                len -= n;
            }
        } finally {
            lock.unlock();
        }
    }

    private void notifyUsed(Virtqueue queue) {
        if (signals != null && !queue.interruptSuppressed()) {
            signals.usedBuffers();
        }
    }

    /** A malformed queue: the transport enters its error state; the queues stay unused until the driver resets. */
    private void fail(String reason) {
        DeviceSignals s = signals;
        queues = null;
        signals = null;
        if (s != null) {
            s.deviceFailed(reason);
        }
    }

    private void awaitChange() throws InterruptedIOException {
        try {
            changed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(description + ": interrupted while waiting for the guest");
        }
    }
}
