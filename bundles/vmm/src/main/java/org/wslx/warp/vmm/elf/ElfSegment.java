package org.wslx.warp.vmm.elf;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One {@code PT_LOAD} program header: {@code memorySize} bytes at {@code physicalAddress}, the first
 * {@code fileSize} of them from the file at {@code fileOffset}, the rest zero.
 *
 * @param index           the program header's index in the file, for messages
 * @param virtualAddress  where the image expects to see the segment once paging is on
 * @param physicalAddress where the segment is loaded in guest memory
 * @param fileOffset      offset of the segment's bytes in the file
 * @param fileSize        bytes taken from the file
 * @param memorySize      bytes the segment occupies in memory (at least {@code fileSize})
 * @param flags           {@code PF_X | PF_W | PF_R} bits
 */
@ProviderType
public record ElfSegment(int index, long virtualAddress, long physicalAddress, long fileOffset, long fileSize,
        long memorySize, int flags) {
    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;

    public boolean executable() {
        return (flags & PF_X) != 0;
    }

    public boolean writable() {
        return (flags & PF_W) != 0;
    }

    public boolean readable() {
        return (flags & PF_R) != 0;
    }

    /** Exclusive end of the segment in guest physical memory. */
    public long physicalEnd() {
        return physicalAddress + memorySize;
    }

    /** Exclusive end of the segment in the image's virtual address space. */
    public long virtualEnd() {
        return virtualAddress + memorySize;
    }

    /** The physical range as {@code [start, end)} in hex, for messages. */
    public String describeRange() {
        return "[0x" + Long.toHexString(physicalAddress) + ", 0x" + Long.toHexString(physicalEnd()) + ")";
    }
}
