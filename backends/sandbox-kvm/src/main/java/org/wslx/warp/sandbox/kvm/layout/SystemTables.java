package org.wslx.warp.sandbox.kvm.layout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The descriptor tables a CPL 3 function needs around it, and nothing more: a GDT with 64-bit kernel
 * and user segments and a TSS; a TSS whose RSP0 gives faults a stack and whose I/O bitmap opens only
 * the four ports of a 32-bit write to {@link SandboxLayout#DONE_PORT}; an IDT whose 32 exception gates
 * lead to stubs that write their vector to {@link SandboxLayout#FAULT_PORT} and halt. Two instructions
 * run at CPL 0 per fault, which matters where CPL 0 is emulated.
 */
public final class SystemTables {
    public static final int KERNEL_CODE = 0x08;
    public static final int KERNEL_DATA = 0x10;
    public static final int USER_CODE = 0x18 | 3;
    public static final int USER_DATA = 0x20 | 3;
    public static final int TSS_SELECTOR = 0x28;
    public static final int GDT_LIMIT = 7 * 8 - 1;
    public static final int VECTORS = 32;
    public static final int IDT_LIMIT = VECTORS * 16 - 1;
    static final int IO_BITMAP_OFFSET = 104;
    /** Bitmap for ports 0..255 plus the terminating 0xff byte the CPU may read past the end. */
    static final int IO_BITMAP_BYTES = 256 / 8 + 1;
    public static final int TSS_LIMIT = IO_BITMAP_OFFSET + IO_BITMAP_BYTES - 1;
    static final int STUB_SIZE = 16;

    /** Descriptor words: P, S, accessed type, L (code) or B (data), G; limit 0xfffff. */
    static final long KERNEL_CODE_DESCRIPTOR = 0x00af9b000000ffffL;
    static final long KERNEL_DATA_DESCRIPTOR = 0x00cf93000000ffffL;
    static final long USER_CODE_DESCRIPTOR = 0x00affb000000ffffL;
    static final long USER_DATA_DESCRIPTOR = 0x00cff3000000ffffL;

    private SystemTables() {
    }

    /** The page at {@link SandboxLayout#GDT}: GDT, TSS with I/O bitmap, IDT. */
    public static byte[] systemPage() {
        ByteBuffer page = ByteBuffer.allocate((int) SandboxLayout.PAGE).order(ByteOrder.LITTLE_ENDIAN);
        int gdt = 0;
        page.putLong(gdt + KERNEL_CODE, KERNEL_CODE_DESCRIPTOR);
        page.putLong(gdt + KERNEL_DATA, KERNEL_DATA_DESCRIPTOR);
        page.putLong(gdt + (USER_CODE & ~3), USER_CODE_DESCRIPTOR);
        page.putLong(gdt + (USER_DATA & ~3), USER_DATA_DESCRIPTOR);
        long tssBase = SandboxLayout.TSS;
        page.putLong(gdt + TSS_SELECTOR, (TSS_LIMIT & 0xffffL) | (tssBase & 0xffffffL) << 16 | 0x8bL << 40
                | ((long) TSS_LIMIT >> 16 & 0xf) << 48 | (tssBase >> 24 & 0xff) << 56);
        page.putLong(gdt + TSS_SELECTOR + 8, tssBase >>> 32);

        int tss = (int) (SandboxLayout.TSS - SandboxLayout.GDT);
        page.putLong(tss + 4, SandboxLayout.FAULT_STACK_TOP); // RSP0
        page.putShort(tss + 102, (short) IO_BITMAP_OFFSET);
        int bitmap = tss + IO_BITMAP_OFFSET;
        for (int i = 0; i < IO_BITMAP_BYTES; i++) {
            page.put(bitmap + i, (byte) 0xff);
        }
        // A 32-bit OUT checks the bits of all four ports it covers.
        for (int port = SandboxLayout.DONE_PORT; port < SandboxLayout.DONE_PORT + 4; port++) {
            int at = bitmap + port / 8;
            page.put(at, (byte) (page.get(at) & ~(1 << (port % 8))));
        }

        int idt = (int) (SandboxLayout.IDT - SandboxLayout.GDT);
        for (int vector = 0; vector < VECTORS; vector++) {
            long handler = SandboxLayout.FAULT_STUBS + (long) vector * STUB_SIZE;
            // Interrupt gates at DPL 0, except #BP so that int3 from the function reports vector 3.
            long attributes = vector == 3 ? 0xeeL : 0x8eL;
            page.putLong(idt + vector * 16, (handler & 0xffff) | (long) KERNEL_CODE << 16 | attributes << 40
                    | (handler >> 16 & 0xffff) << 48);
            page.putLong(idt + vector * 16 + 8, handler >>> 32);
        }
        return page.array();
    }

    /** The page at {@link SandboxLayout#FAULT_STUBS}: per vector {@code mov $v,%eax; out %eax,$FAULT_PORT; hlt; jmp .-1}. */
    public static byte[] faultStubs() {
        byte[] page = new byte[(int) SandboxLayout.PAGE];
        for (int vector = 0; vector < VECTORS; vector++) {
            int at = vector * STUB_SIZE;
            byte[] stub = { (byte) 0xb8, (byte) vector, 0, 0, 0, (byte) 0xe7, (byte) SandboxLayout.FAULT_PORT,
                    (byte) 0xf4, (byte) 0xeb, (byte) 0xfd };
            System.arraycopy(stub, 0, page, at, stub.length);
        }
        return page;
    }

    /** Whether the CPU pushes an error code for this exception vector. */
    public static boolean hasErrorCode(int vector) {
        return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29
                || vector == 30;
    }

    /** Where the fault stub's stack holds the faulting RIP (the CPU's frame sits at the top of the fault stack). */
    public static final long FAULT_FRAME_RIP = SandboxLayout.FAULT_STACK_TOP - 40;
    /** Where it holds the error code, for vectors that push one. */
    public static final long FAULT_FRAME_ERROR_CODE = SandboxLayout.FAULT_STACK_TOP - 48;
}
