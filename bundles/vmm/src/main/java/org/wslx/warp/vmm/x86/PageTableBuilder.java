package org.wslx.warp.vmm.x86;

import org.osgi.annotation.versioning.ProviderType;
import org.wslx.warp.vmm.memory.GuestMemory;

/**
 * Writes x86-64 4-level page tables (PML4, PDPT, PD, PT) into guest memory (or any {@link TableMemory}). Tables are taken, zeroed, from a
 * reserved guest-physical area in 4 KiB steps. Ranges map with 2 MiB pages where virtual and physical addresses
 * are both 2 MiB aligned and the rest of the range covers the page (unless {@link #smallPagesOnly()}), 4 KiB
 * pages otherwise. Mapping an address twice is an error. Not thread-safe.
 */
@ProviderType
public final class PageTableBuilder {
    public static final long PAGE_4K = 4096;
    public static final long PAGE_2M = 2L << 20;
    /** Canonical addresses have 48 significant bits; this builder maps the lower half only. */
    public static final long LOWER_HALF_END = 1L << 47;
    private static final long ADDRESS_MASK = 0x000F_FFFF_FFFF_F000L;
    private static final long TABLE_BITS = PageFlags.PRESENT | PageFlags.WRITABLE | PageFlags.USER;

    private final TableMemory memory;
    private final long areaBase;
    private final long areaSize;
    private long used;
    private final long root;
    private boolean largePages = true;

    /**
     * @param areaBase 4 KiB-aligned guest physical address of the area tables are allocated from
     * @param areaSize its size; running out is an error naming the area
     */
    public PageTableBuilder(GuestMemory memory, long areaBase, long areaSize) {
        this(TableMemory.of(memory), areaBase, areaSize);
    }

    /**
     * Writes into any {@link TableMemory}, e.g. an image of the area that is copied to the guest afterwards.
     *
     * @param areaBase 4 KiB-aligned guest physical address of the area tables are allocated from
     * @param areaSize its size; running out is an error naming the area
     */
    public PageTableBuilder(TableMemory memory, long areaBase, long areaSize) {
        if (areaBase % PAGE_4K != 0 || areaSize < PAGE_4K) {
            throw new IllegalArgumentException("page-table area at 0x" + Long.toHexString(areaBase)
                    + " must be 4 KiB aligned and hold at least one table");
        }
        if (!memory.contains(areaBase, areaSize)) {
            throw new IllegalArgumentException("page-table area [0x" + Long.toHexString(areaBase) + ", 0x"
                    + Long.toHexString(areaBase + areaSize) + ") is not inside " + memory.describe());
        }
        this.memory = memory;
        this.areaBase = areaBase;
        this.areaSize = areaSize;
        this.root = allocateTable();
    }

    /** Use 4 KiB pages everywhere from now on. */
    public PageTableBuilder smallPagesOnly() {
        largePages = false;
        return this;
    }

    /** The guest physical address of the PML4, the value for CR3. */
    public long root() {
        return root;
    }

    /** Bytes of the area used by tables so far. */
    public long bytesUsed() {
        return used;
    }

    /** Maps {@code [address, address + length)} to itself. */
    public PageTableBuilder identityMap(long address, long length, PageFlags flags) {
        return map(address, address, length, flags);
    }

    /** Maps virtual {@code [virtual, virtual + length)} to physical {@code [physical, physical + length)}. */
    public PageTableBuilder map(long virtual, long physical, long length, PageFlags flags) {
        if (virtual % PAGE_4K != 0 || physical % PAGE_4K != 0 || length <= 0 || length % PAGE_4K != 0) {
            throw new IllegalArgumentException("page mapping 0x" + Long.toHexString(virtual) + " -> 0x"
                    + Long.toHexString(physical) + " of 0x" + Long.toHexString(length)
                    + " bytes: addresses and length must be positive multiples of 4 KiB");
        }
        if (virtual < 0 || length > LOWER_HALF_END - virtual) {
            throw new IllegalArgumentException("page mapping at 0x" + Long.toHexString(virtual) + " of 0x"
                    + Long.toHexString(length) + " bytes leaves the lower canonical half [0, 0x800000000000)");
        }
        if (physical < 0 || physical + length < 0 || physical + length > (1L << 52)) {
            throw new IllegalArgumentException("page mapping to physical 0x" + Long.toHexString(physical)
                    + " of 0x" + Long.toHexString(length) + " bytes exceeds 52-bit physical addresses");
        }
        long done = 0;
        while (done < length) {
            long v = virtual + done;
            long p = physical + done;
            long left = length - done;
            if (largePages && v % PAGE_2M == 0 && p % PAGE_2M == 0 && left >= PAGE_2M) {
                mapLarge(v, p, flags);
                done += PAGE_2M;
            } else {
                mapSmall(v, p, flags);
                done += PAGE_4K;
            }
        }
        return this;
    }

    private void mapLarge(long v, long p, PageFlags flags) {
        long pd = descend(descend(root, index(v, 39), v), index(v, 30), v);
        long entry = pd + 8L * index(v, 21);
        if (memory.readU64(entry) != 0) {
            throw alreadyMapped(v);
        }
        memory.writeU64(entry, p | flags.bits() | PageFlags.PAGE_SIZE_BIT);
    }

    private void mapSmall(long v, long p, PageFlags flags) {
        long pd = descend(descend(root, index(v, 39), v), index(v, 30), v);
        long pt = descend(pd, index(v, 21), v);
        long entry = pt + 8L * index(v, 12);
        if (memory.readU64(entry) != 0) {
            throw alreadyMapped(v);
        }
        memory.writeU64(entry, p | flags.bits());
    }

    /** The next-level table under entry {@code i} of {@code table}, created if absent. */
    private long descend(long table, int i, long v) {
        long entryAddress = table + 8L * i;
        long entry = memory.readU64(entryAddress);
        if (entry == 0) {
            long next = allocateTable();
            memory.writeU64(entryAddress, next | TABLE_BITS);
            return next;
        }
        if ((entry & PageFlags.PAGE_SIZE_BIT) != 0) {
            throw alreadyMapped(v);
        }
        return entry & ADDRESS_MASK;
    }

    private long allocateTable() {
        if (used + PAGE_4K > areaSize) {
            throw new IllegalStateException("page-table area [0x" + Long.toHexString(areaBase) + ", 0x"
                    + Long.toHexString(areaBase + areaSize) + ") is full after " + (used / PAGE_4K) + " tables");
        }
        long table = areaBase + used;
        used += PAGE_4K;
        memory.fill(table, PAGE_4K, (byte) 0);
        return table;
    }

    private static int index(long v, int shift) {
        return (int) ((v >>> shift) & 0x1FF);
    }

    private static IllegalStateException alreadyMapped(long v) {
        return new IllegalStateException("page mapping: virtual address 0x" + Long.toHexString(v) + " is already mapped");
    }
}
