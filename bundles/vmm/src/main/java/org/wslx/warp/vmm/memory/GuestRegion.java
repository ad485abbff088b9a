package org.wslx.warp.vmm.memory;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A contiguous range of guest physical memory, {@code [base, base + size)}, page aligned. Addresses are
 * unsigned 64-bit values held in {@code long}s.
 *
 * @param base guest physical address of the first byte
 * @param size length in bytes, a positive multiple of {@link #PAGE_SIZE}
 */
@ProviderType
public record GuestRegion(long base, long size) {
    public static final long PAGE_SIZE = 4096;

    public GuestRegion {
        if (size <= 0 || size % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("guest region at " + hex(base) + ": size " + size
                    + " is not a positive multiple of the page size " + PAGE_SIZE);
        }
        if (base % PAGE_SIZE != 0) {
            throw new IllegalArgumentException("guest region at " + hex(base) + ": base is not page aligned");
        }
        // The last byte must not wrap past 2^64 - 1.
        if (Long.compareUnsigned(base + (size - 1), base) < 0) {
            throw new IllegalArgumentException("guest region at " + hex(base) + " of size " + hex(size)
                    + " wraps past the end of the 64-bit address space");
        }
    }

    /** The address one past the last byte (0 when the region ends exactly at 2^64). */
    public long end() {
        return base + size;
    }

    /** Whether {@code [address, address + length)} lies entirely inside this region (no arithmetic can overflow). */
    public boolean contains(long address, long length) {
        if (length < 0 || Long.compareUnsigned(address, base) < 0) {
            return false;
        }
        long offset = address - base; // >= 0 unsigned, and < 2^64
        return Long.compareUnsigned(offset, size) < 0 ? Long.compareUnsigned(length, size - offset) <= 0
                : length == 0 && offset == size;
    }

    /** Whether any byte belongs to both regions. */
    public boolean overlaps(GuestRegion other) {
        long lastThis = base + (size - 1);
        long lastOther = other.base + (other.size - 1);
        return Long.compareUnsigned(base, lastOther) <= 0 && Long.compareUnsigned(other.base, lastThis) <= 0;
    }

    @Override
    public String toString() {
        return "[" + hex(base) + ", " + hex(base + size) + ")";
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
