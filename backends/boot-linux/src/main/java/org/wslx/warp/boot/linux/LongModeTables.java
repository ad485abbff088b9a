package org.wslx.warp.boot.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.wslx.warp.boot.EntryState;
import org.wslx.warp.boot.GuestMemoryTarget;

/**
 * The page tables and GDT a kernel entered in long mode needs on its first instruction: an
 * identity map of guest-physical [0, 4 GiB) in 2 MiB pages (writable, supervisor) and the Linux
 * boot GDT (0x10 = 64-bit code, 0x18 = flat data). Both entry conventions WARP implements use
 * the same tables at the same addresses, so a kernel sees the same world on either.
 */
final class LongModeTables {
    static final long PML4 = 0x1000;
    static final long PDPT = 0x2000;
    /** Four page directories, one per GiB. */
    static final long PAGE_DIRECTORIES = 0x3000;
    static final long GDT = 0x7000;
    /** End of everything this class writes. */
    static final long END = 0x7000 + 0x20;
    static final int CODE_SELECTOR = 0x10;
    static final int DATA_SELECTOR = 0x18;
    static final long CR0 = EntryState.CR0_PE | EntryState.CR0_MP | EntryState.CR0_ET | EntryState.CR0_NE
            | EntryState.CR0_WP | EntryState.CR0_PG;
    static final long CR4 = EntryState.CR4_PAE | EntryState.CR4_OSFXSR | EntryState.CR4_OSXMMEXCPT;
    static final long EFER = EntryState.EFER_LME | EntryState.EFER_LMA | EntryState.EFER_NXE;

    private static final long PRESENT = 1;
    private static final long WRITABLE = 1 << 1;
    private static final long LARGE_PAGE = 1 << 7;
    private static final long TWO_MIB = 2L << 20;
    /** Base 0, limit 0xFFFFF in 4 KiB units; present, DPL 0, code execute/read accessed; long mode (L=1, D=0). */
    static final long CODE_DESCRIPTOR = 0x00AF9B000000FFFFL;
    /** Base 0, limit 0xFFFFF in 4 KiB units; present, DPL 0, data read/write accessed; 32-bit (B=1). */
    static final long DATA_DESCRIPTOR = 0x00CF93000000FFFFL;

    private LongModeTables() {
    }

    /** Writes the page tables and GDT; they occupy [{@link #PML4}, {@link #END}). */
    static void write(GuestMemoryTarget memory) {
        ByteBuffer tables = ByteBuffer.allocate((int) (GDT - PML4)).order(ByteOrder.LITTLE_ENDIAN);
        tables.putLong(0, PDPT | PRESENT | WRITABLE);
        for (int gib = 0; gib < 4; gib++) {
            long directory = PAGE_DIRECTORIES + gib * 0x1000L;
            tables.putLong((int) (PDPT - PML4) + gib * 8, directory | PRESENT | WRITABLE);
            for (int entry = 0; entry < 512; entry++) {
                long physical = ((long) gib << 30) + entry * TWO_MIB;
                tables.putLong((int) (directory - PML4) + entry * 8, physical | PRESENT | WRITABLE | LARGE_PAGE);
            }
        }
        memory.write(PML4, tables);
        ByteBuffer gdt = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        gdt.putLong(16, CODE_DESCRIPTOR).putLong(24, DATA_DESCRIPTOR);
        memory.write(GDT, gdt);
    }

    /** The long-mode entry state over these tables, interrupts off. */
    static EntryState entry(long rip, long rsp, long rbx, long rsi) {
        return new EntryState(rip, rsp, rbx, rsi, EntryState.RFLAGS_RESERVED, CR0, PML4, CR4, EFER, GDT, 31,
                CODE_SELECTOR, DATA_SELECTOR);
    }
}
