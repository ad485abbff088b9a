package org.wslx.warp.vmm.x86;

import java.util.BitSet;
import org.osgi.annotation.versioning.ProviderType;
import org.wslx.warp.vmm.memory.GuestMemory;

/**
 * Writes a 64-bit task-state segment: the stack pointers used when an interrupt or exception raises the privilege
 * level (RSP0, IST1-7) and, optionally, an IO permission bitmap granting CPL 3 code access to chosen ports (IOPL
 * alone does not on every KVM, so user code that talks to the host through port IO needs the bitmap).
 */
@ProviderType
public final class Tss64Builder {
    /** Size of the TSS without an IO bitmap. */
    public static final int SIZE = 104;
    private static final int RSP0 = 4;
    private static final int IST1 = 36;
    private static final int IOMAP_BASE = 102;
    private static final int IO_BITMAP_BYTES = 0x10000 / 8;

    private long rsp0;
    private final long[] ist = new long[7];
    private BitSet allowedPorts;

    /** The stack for interrupts that switch to CPL 0. */
    public Tss64Builder rsp0(long stack) {
        rsp0 = stack;
        return this;
    }

    /** Interrupt stack table entry {@code n} (1-7). */
    public Tss64Builder ist(int n, long stack) {
        if (n < 1 || n > 7) {
            throw new IllegalArgumentException("IST index " + n + " is not 1-7");
        }
        ist[n - 1] = stack;
        return this;
    }

    /** Lets CPL 3 access ports {@code [first, first + count)}; adds the 8 KiB IO bitmap. */
    public Tss64Builder allowPorts(int first, int count) {
        if (first < 0 || count <= 0 || first + count > 0x10000) {
            throw new IllegalArgumentException("ports 0x" + Integer.toHexString(first) + " + " + count
                    + " are outside the port space [0, 0x10000)");
        }
        if (allowedPorts == null) {
            allowedPorts = new BitSet(0x10000);
        }
        allowedPorts.set(first, first + count);
        return this;
    }

    /** Bytes the TSS occupies: 104, or 104 + 8192 + 1 with the IO bitmap (the extra byte of ones ends the bitmap). */
    public int size() {
        return allowedPorts == null ? SIZE : SIZE + IO_BITMAP_BYTES + 1;
    }

    /** The descriptor limit for {@link GdtBuilder#tss64(long, int)}. */
    public int limit() {
        return size() - 1;
    }

    public void writeTo(GuestMemory memory, long address) {
        writeTo(TableMemory.of(memory), address);
    }

    public void writeTo(TableMemory memory, long address) {
        if (!memory.contains(address, size())) {
            throw new IllegalArgumentException("TSS of " + size() + " bytes at 0x" + Long.toHexString(address)
                    + " is not inside " + memory.describe());
        }
        memory.fill(address, size(), (byte) 0);
        memory.writeU64(address + RSP0, rsp0);
        for (int i = 0; i < 7; i++) {
            memory.writeU64(address + IST1 + 8L * i, ist[i]);
        }
        // An IOMAP base at or beyond the limit means "no bitmap": every CPL 3 port access faults.
        memory.writeU16(address + IOMAP_BASE, SIZE);
        if (allowedPorts != null) {
            byte[] bitmap = new byte[IO_BITMAP_BYTES + 1];
            java.util.Arrays.fill(bitmap, (byte) 0xFF);
            for (int port = allowedPorts.nextSetBit(0); port >= 0; port = allowedPorts.nextSetBit(port + 1)) {
                bitmap[port >>> 3] &= (byte) ~(1 << (port & 7));
            }
            memory.write(address + SIZE, bitmap);
        }
    }
}
