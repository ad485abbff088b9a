package org.wslx.warp.boot;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A range of guest-physical addresses, {@code [start, start + size)}.
 *
 * @param start   first address
 * @param size    length in bytes, more than zero
 * @param purpose what the range is, for messages (e.g. {@code RAM}, {@code virtio-mmio window})
 */
@ProviderType
public record MemoryRange(long start, long size, String purpose) {
    public MemoryRange {
        if (size <= 0 || start < 0 || start + size < start) {
            throw new IllegalArgumentException("memory range '" + purpose + "': start 0x" + Long.toHexString(start)
                    + " and size 0x" + Long.toHexString(size) + " do not describe a range");
        }
    }

    /** Exclusive end. */
    public long end() {
        return start + size;
    }

    /** Whether {@code [address, address + length)} lies wholly inside this range. */
    public boolean contains(long address, long length) {
        return address >= start && length >= 0 && address <= end() && length <= end() - address;
    }

    /** Whether the two ranges share at least one address. */
    public boolean overlaps(long address, long length) {
        return length > 0 && address < end() && start < address + length;
    }

    @Override
    public String toString() {
        return purpose + " [0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end()) + ")";
    }
}
