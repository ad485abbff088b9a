package org.wslx.warp.vmm.bus;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The addresses {@code [base, base + length)} a device answers on a bus. Unsigned; must not wrap past 2^64.
 */
@ProviderType
public record BusRange(long base, long length) {
    public BusRange {
        if (length <= 0) {
            throw new IllegalArgumentException("bus range at 0x" + Long.toHexString(base) + ": length " + length + " is not positive");
        }
        if (Long.compareUnsigned(base + (length - 1), base) < 0) {
            throw new IllegalArgumentException("bus range at 0x" + Long.toHexString(base) + " of length 0x"
                    + Long.toHexString(length) + " wraps past the end of the address space");
        }
    }

    /** The last address in the range. */
    public long last() {
        return base + (length - 1);
    }

    /** Whether all of {@code [address, address + size)} lies in this range. */
    public boolean contains(long address, long size) {
        if (size <= 0 || Long.compareUnsigned(address, base) < 0) {
            return false;
        }
        long offset = address - base;
        return Long.compareUnsigned(offset, length) < 0 && Long.compareUnsigned(size, length - offset) <= 0;
    }

    public boolean overlaps(BusRange other) {
        return Long.compareUnsigned(base, other.last()) <= 0 && Long.compareUnsigned(other.base, last()) <= 0;
    }

    @Override
    public String toString() {
        return "[0x" + Long.toHexString(base) + ", 0x" + Long.toHexString(base + length) + ")";
    }
}
