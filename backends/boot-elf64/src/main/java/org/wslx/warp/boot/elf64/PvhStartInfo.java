package org.wslx.warp.boot.elf64;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import org.wslx.warp.boot.GuestLayout;
import org.wslx.warp.boot.MemoryRange;

/**
 * The PVH start-of-day structures (Xen's public start_info.h, version 1) as the monitor writes
 * them for a kernel entered directly in long mode: {@code hvm_start_info}, one
 * {@code hvm_modlist_entry} and the {@code hvm_memmap_table_entry} array, laid out at fixed
 * addresses below 1 MiB.
 */
final class PvhStartInfo {
    static final int MAGIC = 0x336ec578;
    static final long START_INFO = 0x7100;
    static final long MODLIST = 0x7200;
    static final long MEMMAP = 0x7300;
    static final int MEMMAP_ENTRY_SIZE = 24;
    /** The memmap may grow up to the command line. */
    static final int MAX_MEMMAP_ENTRIES = (int) ((Elf64DirectBoot.COMMAND_LINE - MEMMAP) / MEMMAP_ENTRY_SIZE);
    static final int TYPE_RAM = 1;
    static final int TYPE_RESERVED = 2;
    /**
     * Low RAM ends below the traditional extended BIOS data area; the kernel is told nothing lives
     * in [0x9F000, 1 MiB), as on a PC.
     */
    static final long LOW_RAM_END = 0x9F000;
    static final long ONE_MIB = 0x100000;

    private PvhStartInfo() {
    }

    /** One memmap line. */
    record Entry(long address, long size, int type) {
    }

    /**
     * The memory map a kernel receives: the layout's RAM with the PC hole [0x9F000, 1 MiB) cut
     * out, and the layout's reserved ranges as type 2, ascending.
     */
    static List<Entry> memoryMap(GuestLayout layout) {
        List<Entry> entries = new ArrayList<>();
        for (MemoryRange ram : layout.ram()) {
            long start = ram.start();
            long end = ram.end();
            if (start < LOW_RAM_END) {
                entries.add(new Entry(start, Math.min(end, LOW_RAM_END) - start, TYPE_RAM));
            }
            if (end > ONE_MIB) {
                long from = Math.max(start, ONE_MIB);
                entries.add(new Entry(from, end - from, TYPE_RAM));
            }
        }
        for (MemoryRange reserved : layout.reserved()) {
            entries.add(new Entry(reserved.start(), reserved.size(), TYPE_RESERVED));
        }
        entries.sort((a, b) -> Long.compareUnsigned(a.address(), b.address()));
        return entries;
    }

    static ByteBuffer startInfo(long commandLine, int modules, int memmapEntries) {
        ByteBuffer b = ByteBuffer.allocate(0x38).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x00, MAGIC);
        b.putInt(0x04, 1);
        b.putInt(0x08, 0);
        b.putInt(0x0C, modules);
        b.putLong(0x10, modules == 0 ? 0 : MODLIST);
        b.putLong(0x18, commandLine);
        b.putLong(0x20, 0); // no ACPI tables
        b.putLong(0x28, MEMMAP);
        b.putInt(0x30, memmapEntries);
        b.putInt(0x34, 0);
        return b;
    }

    static ByteBuffer module(long address, long size) {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, address).putLong(8, size);
        return b;
    }

    static ByteBuffer memmap(List<Entry> entries) {
        ByteBuffer b = ByteBuffer.allocate(entries.size() * MEMMAP_ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry e : entries) {
            b.putLong(e.address()).putLong(e.size()).putInt(e.type()).putInt(0);
        }
        return b.flip();
    }
}
