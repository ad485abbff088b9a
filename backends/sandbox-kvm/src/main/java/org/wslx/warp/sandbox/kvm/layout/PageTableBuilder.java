package org.wslx.warp.sandbox.kvm.layout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds 4-level, 4 KiB-page identity mappings for the first {@code memoryBytes} of guest memory into
 * a contiguous block of page-table pages (PML4, PDPT, PD, then one PT per 2 MiB), to be placed at
 * {@code base}. Pages not mapped stay not-present. Accessed and dirty bits are set up front so the
 * CPU never writes to the tables, which keeps them shared with the snapshot after a reset.
 */
public final class PageTableBuilder {
    static final long PRESENT = 1;
    static final long WRITABLE = 1 << 1;
    static final long USER = 1 << 2;
    static final long ACCESSED = 1 << 5;
    static final long DIRTY = 1 << 6;
    static final long NO_EXECUTE = 1L << 63;
    private static final long ENTRIES = 512;

    private final long base;
    private final long memoryBytes;
    private final ByteBuffer tables;

    public PageTableBuilder(long base, long memoryBytes) {
        if (memoryBytes % (2L << 20) != 0 || memoryBytes > (1L << 30)) {
            throw new IllegalArgumentException("page tables cover whole 2 MiB units up to 1 GiB, not " + memoryBytes);
        }
        this.base = base;
        this.memoryBytes = memoryBytes;
        int pts = (int) (memoryBytes >> 21);
        this.tables = ByteBuffer.allocate((3 + pts) * 4096).order(ByteOrder.LITTLE_ENDIAN);
        // Upper levels allow everything; the leaf entries decide (x86 takes the most restrictive level).
        long upper = PRESENT | WRITABLE | USER | ACCESSED;
        tables.putLong(0, (base + 0x1000) | upper);
        tables.putLong(0x1000, (base + 0x2000) | upper);
        for (int pd = 0; pd < pts; pd++) {
            tables.putLong(0x2000 + pd * 8, (base + 0x3000 + pd * 0x1000L) | upper);
        }
    }

    /** Maps {@code [start, end)} (page-aligned) with the given permissions, replacing earlier mappings. */
    public PageTableBuilder map(long start, long end, PagePermissions permissions) {
        if (start % 0x1000 != 0 || end % 0x1000 != 0 || start < 0 || end > memoryBytes || start > end) {
            throw new IllegalArgumentException("cannot map [0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end)
                    + ") in " + memoryBytes + " bytes of guest memory with 4 KiB pages");
        }
        long bits = PRESENT | ACCESSED | DIRTY;
        bits |= permissions.user() ? USER : 0;
        bits |= permissions.writable() ? WRITABLE : 0;
        bits |= permissions.executable() ? 0 : NO_EXECUTE;
        for (long page = start; page < end; page += 0x1000) {
            tables.putLong(leafOffset(page), page | bits);
        }
        return this;
    }

    /** Physical address of the PML4, for CR3. */
    public long root() {
        return base;
    }

    /** The table pages, to be copied to {@code base}. */
    public byte[] bytes() {
        return tables.array().clone();
    }

    private int leafOffset(long page) {
        long pt = page >> 21;
        long index = (page >> 12) % ENTRIES;
        return (int) (0x3000 + pt * 0x1000 + index * 8);
    }
}
