package org.wslx.warp.backend.kvm.device.virtio;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

import org.wslx.warp.vmm.memory.GuestMemory;

/**
 * A split virtqueue (virtio 1.x §2.7) in guest memory, from the device's side: takes descriptor
 * chains from the available ring and returns them through the used ring. Every index and address
 * the driver wrote is checked before use, so a malformed queue yields a {@link VirtqueueException},
 * never an access outside guest memory. Not thread-safe: its device serialises access.
 */
public final class Virtqueue {
    static final int DESCRIPTOR_SIZE = 16;
    static final int F_NEXT = 1;
    static final int F_WRITE = 2;
    static final int F_INDIRECT = 4;
    static final int AVAIL_F_NO_INTERRUPT = 1;

    private final GuestMemory memory;
    private final String name;
    private final int size;
    private final long descriptorTable;
    private final long availableRing;
    private final long usedRing;
    private int nextAvailable;
    private int nextUsed;

    /**
     * @throws VirtqueueException if the rings do not lie inside guest memory
     */
    public Virtqueue(GuestMemory memory, String name, int size, long descriptorTable, long availableRing, long usedRing)
            throws VirtqueueException {
        this.memory = memory;
        this.name = name;
        this.size = size;
        this.descriptorTable = descriptorTable;
        this.availableRing = availableRing;
        this.usedRing = usedRing;
        requireMemory(descriptorTable, (long) DESCRIPTOR_SIZE * size, "descriptor table");
        requireMemory(availableRing, 6 + 2L * size, "available ring");
        requireMemory(usedRing, 6 + 8L * size, "used ring");
    }

    public int size() {
        return size;
    }

    /** Whether the driver has made a chain available that {@link #pop} has not taken yet. */
    public boolean hasAvailable() {
        return memory.readU16(availableRing + 2) != nextAvailable;
    }

    /**
     * Takes the next available chain, or returns null when there is none.
     *
     * @throws VirtqueueException if the ring or the chain is malformed
     */
    public DescriptorChain pop() throws VirtqueueException {
        int availableIndex = memory.readU16(availableRing + 2);
        if (availableIndex == nextAvailable) {
            return null;
        }
        int pending = (availableIndex - nextAvailable) & 0xFFFF;
        if (pending > size) {
            throw new VirtqueueException(name + ": the available ring claims " + pending + " new buffers in a queue of " + size);
        }
        // The ring entry must be read after the index that published it.
        VarHandle.acquireFence();
        int head = memory.readU16(availableRing + 4 + 2L * (nextAvailable % size));
        nextAvailable = (nextAvailable + 1) & 0xFFFF;
        return walk(head);
    }

    private DescriptorChain walk(int head) throws VirtqueueException {
        List<Descriptor> descriptors = new ArrayList<>();
        int index = head;
        boolean sawWritable = false;
        while (true) {
            if (index >= size) {
                throw new VirtqueueException(name + ": descriptor index " + index + " is outside the table of " + size);
            }
            if (descriptors.size() == size) {
                throw new VirtqueueException(name + ": the chain starting at descriptor " + head + " loops");
            }
            long at = descriptorTable + (long) DESCRIPTOR_SIZE * index;
            long address = memory.readU64(at);
            long length = memory.readU32(at + 8);
            int flags = memory.readU16(at + 12);
            int next = memory.readU16(at + 14);
            if ((flags & F_INDIRECT) != 0) {
                throw new VirtqueueException(name + ": descriptor " + index + " is indirect, a feature this device does not offer");
            }
            if (!memory.contains(address, length)) {
                throw new VirtqueueException(name + ": descriptor " + index + " points at [0x" + Long.toHexString(address) + ", +"
                        + length + "), which is not guest memory");
            }
            boolean writable = (flags & F_WRITE) != 0;
            if (sawWritable && !writable) {
                throw new VirtqueueException(name + ": descriptor " + index + " is device-readable after a device-writable one");
            }
            sawWritable |= writable;
            descriptors.add(new Descriptor(address, (int) length, writable));
            if ((flags & F_NEXT) == 0) {
                return new DescriptorChain(head, descriptors);
            }
            index = next;
        }
    }

    /** Returns a chain to the driver with {@code written} bytes written into its writable buffers. */
    public void pushUsed(DescriptorChain chain, int written) {
        long element = usedRing + 4 + 8L * (nextUsed % size);
        memory.writeU32(element, chain.head());
        memory.writeU32(element + 4, written);
        nextUsed = (nextUsed + 1) & 0xFFFF;
        // The element must be visible before the index that publishes it.
        VarHandle.releaseFence();
        memory.writeU16(usedRing + 2, nextUsed);
        VarHandle.fullFence();
    }

    /** Whether the driver asked not to be interrupted for used buffers. */
    public boolean interruptSuppressed() {
        return (memory.readU16(availableRing) & AVAIL_F_NO_INTERRUPT) != 0;
    }

    /** Copies a chain's device-readable bytes into one array. */
    public byte[] readAll(DescriptorChain chain) {
        byte[] out = new byte[(int) chain.readableBytes()];
        int at = 0;
        for (Descriptor d : chain.descriptors()) {
            if (!d.writable()) {
                memory.read(d.address(), out, at, d.length());
                at += d.length();
            }
        }
        return out;
    }

    /** Fills a chain's device-writable buffers from {@code source}; returns the bytes written. */
    public int writeInto(DescriptorChain chain, byte[] source, int offset, int length) {
        int written = 0;
        for (Descriptor d : chain.descriptors()) {
            if (d.writable() && written < length) {
                int n = Math.min(d.length(), length - written);
                memory.write(d.address(), source, offset + written, n);
                written += n;
            }
        }
        return written;
    }

    /** Writes one byte at the very end of a chain's device-writable buffers (where virtio puts a status byte). */
    public void writeLast(DescriptorChain chain, byte value) {
        List<Descriptor> all = chain.descriptors();
        for (int i = all.size() - 1; i >= 0; i--) {
            Descriptor d = all.get(i);
            if (d.writable() && d.length() > 0) {
                memory.write(d.address() + d.length() - 1, new byte[] {value}, 0, 1);
                return;
            }
        }
    }

    private void requireMemory(long address, long length, String what) throws VirtqueueException {
        if (!memory.contains(address, length)) {
            throw new VirtqueueException(name + ": the " + what + " at 0x" + Long.toHexString(address) + " (" + length
                    + " bytes) is not guest memory");
        }
    }
}
