package org.wslx.warp.backend.kvm.device.virtio;

import org.wslx.warp.vmm.memory.GuestMemory;

/**
 * Test double for a guest driver: programs a virtio-mmio transport through its registers and
 * keeps split virtqueues in guest memory, the way a kernel driver would.
 */
public final class TestDriver {
    public static final int QUEUE_SIZE = 8;
    private final VirtioMmioTransport transport;
    private final GuestMemory memory;
    private final long[] descriptors = new long[2];
    private final long[] available = new long[2];
    private final long[] used = new long[2];
    private final int[] nextDescriptor = new int[2];
    private final int[] availableIndex = new int[2];

    public TestDriver(VirtioMmioTransport transport, GuestMemory memory) {
        this.transport = transport;
        this.memory = memory;
        for (int q = 0; q < 2; q++) {
            descriptors[q] = 0x10000 + q * 0x1000;
            available[q] = descriptors[q] + 0x400;
            used[q] = descriptors[q] + 0x800;
        }
    }

    public int read(int offset) {
        byte[] data = new byte[4];
        transport.read(VirtioMmioTransport.WINDOW, offset, data);
        return (data[0] & 0xFF) | (data[1] & 0xFF) << 8 | (data[2] & 0xFF) << 16 | (data[3] & 0xFF) << 24;
    }

    public void write(int offset, int value) {
        transport.write(VirtioMmioTransport.WINDOW, offset, new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16),
                (byte) (value >> 24)});
    }

    /** The initialisation sequence of VIRTIO-MMIO-CHANNEL.md §2, accepting {@code features}. */
    public void initialise(long features) {
        write(0x070, 0);
        // A driver starts a reset device with fresh rings.
        for (int q = 0; q < 2; q++) {
            memory.fill(descriptors[q], 0x1000, (byte) 0);
            nextDescriptor[q] = 0;
            availableIndex[q] = 0;
        }
        write(0x070, 1);
        write(0x070, 3);
        write(0x024, 0);
        write(0x020, (int) features);
        write(0x024, 1);
        write(0x020, (int) (features >>> 32));
        write(0x070, 3 | 8);
        if ((read(0x070) & 8) == 0) {
            return;
        }
        for (int q = 0; q < 2; q++) {
            write(0x030, q);
            write(0x038, QUEUE_SIZE);
            write(0x080, (int) descriptors[q]);
            write(0x084, 0);
            write(0x090, (int) available[q]);
            write(0x094, 0);
            write(0x0A0, (int) used[q]);
            write(0x0A4, 0);
            write(0x044, 1);
        }
        write(0x070, 3 | 8 | 4);
    }

    /** Writes a descriptor; returns its index. */
    public int descriptor(int queue, long address, int length, int flags, int next) {
        int index = nextDescriptor[queue]++ % QUEUE_SIZE;
        long at = descriptors[queue] + 16L * index;
        memory.writeU64(at, address);
        memory.writeU32(at + 8, length);
        memory.writeU16(at + 12, flags);
        memory.writeU16(at + 14, next);
        return index;
    }

    /** Publishes a chain head in the available ring and notifies the queue. */
    public void offer(int queue, int head) {
        memory.writeU16(available[queue] + 4 + 2L * (availableIndex[queue] % QUEUE_SIZE), head);
        availableIndex[queue]++;
        memory.writeU16(available[queue] + 2, availableIndex[queue]);
        write(0x050, queue);
    }

    public int usedIndex(int queue) {
        return memory.readU16(used[queue] + 2);
    }

    public long usedId(int queue, int slot) {
        return memory.readU32(used[queue] + 4 + 8L * slot);
    }

    public long usedLength(int queue, int slot) {
        return memory.readU32(used[queue] + 8 + 8L * slot);
    }

    public void suppressInterrupts(int queue) {
        memory.writeU16(available[queue], 1);
    }
}
