package org.wslx.warp.boot.linux;

import java.util.ArrayList;
import java.util.List;

import org.wslx.warp.boot.GuestLayout;
import org.wslx.warp.boot.MemoryRange;

/**
 * The BIOS-e820 memory map a Linux kernel reads from its zero page: the layout's RAM with the PC
 * hole [0x9F000, 1 MiB) cut out (where a real PC keeps its EBDA, video memory and BIOS), and the
 * layout's reserved ranges, ascending.
 */
final class E820Map {
    static final int RAM = 1;
    static final int RESERVED = 2;
    static final long LOW_RAM_END = 0x9F000;
    static final long ONE_MIB = 0x100000;
    /** The zero page has room for 128 entries (E820_MAX_ENTRIES_ZEROPAGE). */
    static final int MAX_ENTRIES = 128;

    record Entry(long address, long size, int type) {
    }

    private E820Map() {
    }

    static List<Entry> of(GuestLayout layout) {
        List<Entry> entries = new ArrayList<>();
        for (MemoryRange ram : layout.ram()) {
            if (ram.start() < LOW_RAM_END) {
                entries.add(new Entry(ram.start(), Math.min(ram.end(), LOW_RAM_END) - ram.start(), RAM));
            }
            if (ram.end() > ONE_MIB) {
                long from = Math.max(ram.start(), ONE_MIB);
                entries.add(new Entry(from, ram.end() - from, RAM));
            }
        }
        for (MemoryRange reserved : layout.reserved()) {
            entries.add(new Entry(reserved.start(), reserved.size(), RESERVED));
        }
        entries.sort((a, b) -> Long.compareUnsigned(a.address(), b.address()));
        return entries;
    }
}
