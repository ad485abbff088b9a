package org.wslx.warp.vmm.kvm;

import java.nio.ByteBuffer;

/**
 * Converts {@link Sregs} to and from {@code struct kvm_sregs} (312 bytes) at its C offsets: eight 24-byte
 * kvm_segment (cs, ds, es, fs, gs, ss, tr, ldt), two 16-byte kvm_dtable (gdt, idt), cr0, cr2, cr3, cr4, cr8, efer,
 * apic_base, and the 4-word interrupt bitmap. The bindings' layout tests check these offsets against the JNA
 * structure mirroring the C declaration.
 */
final class SregsCodec {
    static final int SIZE = 312;
    private static final int SEGMENT = 24;
    private static final int GDT = 192;
    private static final int IDT = 208;
    private static final int CR0 = 224;
    private static final int INTERRUPT_BITMAP = 280;

    private SregsCodec() {
    }

    static Sregs decode(ByteBuffer b) {
        long[] bitmap = new long[4];
        for (int i = 0; i < bitmap.length; i++) {
            bitmap[i] = b.getLong(INTERRUPT_BITMAP + 8 * i);
        }
        return new Sregs().cs(segment(b, 0)).ds(segment(b, 1)).es(segment(b, 2)).fs(segment(b, 3)).gs(segment(b, 4))
                .ss(segment(b, 5)).tr(segment(b, 6)).ldt(segment(b, 7))
                .gdt(new DescriptorTable(b.getLong(GDT), b.getShort(GDT + 8) & 0xFFFF))
                .idt(new DescriptorTable(b.getLong(IDT), b.getShort(IDT + 8) & 0xFFFF))
                .cr0(b.getLong(CR0)).cr2(b.getLong(CR0 + 8)).cr3(b.getLong(CR0 + 16)).cr4(b.getLong(CR0 + 24))
                .cr8(b.getLong(CR0 + 32)).efer(b.getLong(CR0 + 40)).apicBase(b.getLong(CR0 + 48))
                .interruptBitmap(bitmap);
    }

    /** Writes every field; the caller zeroed the buffer, so padding stays zero. */
    static void encode(Sregs v, ByteBuffer b) {
        put(b, 0, v.cs(), "cs");
        put(b, 1, v.ds(), "ds");
        put(b, 2, v.es(), "es");
        put(b, 3, v.fs(), "fs");
        put(b, 4, v.gs(), "gs");
        put(b, 5, v.ss(), "ss");
        put(b, 6, v.tr(), "tr");
        put(b, 7, v.ldt(), "ldt");
        b.putLong(GDT, v.gdt().base()).putShort(GDT + 8, (short) v.gdt().limit());
        b.putLong(IDT, v.idt().base()).putShort(IDT + 8, (short) v.idt().limit());
        b.putLong(CR0, v.cr0()).putLong(CR0 + 8, v.cr2()).putLong(CR0 + 16, v.cr3()).putLong(CR0 + 24, v.cr4())
                .putLong(CR0 + 32, v.cr8()).putLong(CR0 + 40, v.efer()).putLong(CR0 + 48, v.apicBase());
        long[] bitmap = v.interruptBitmap();
        for (int i = 0; i < 4; i++) {
            b.putLong(INTERRUPT_BITMAP + 8 * i, i < bitmap.length ? bitmap[i] : 0);
        }
    }

    private static Segment segment(ByteBuffer b, int index) {
        int at = index * SEGMENT;
        return new Segment(b.getLong(at), b.getInt(at + 8), b.getShort(at + 12) & 0xFFFF,
                b.get(at + 14) & 0xFF, b.get(at + 15) != 0, b.get(at + 16) & 0xFF, b.get(at + 17) != 0,
                b.get(at + 18) != 0, b.get(at + 19) != 0, b.get(at + 20) != 0, b.get(at + 21) != 0, b.get(at + 22) != 0);
    }

    private static void put(ByteBuffer b, int index, Segment v, String name) {
        if (v == null) {
            throw new IllegalArgumentException("sregs: segment register " + name + " is not set");
        }
        int at = index * SEGMENT;
        b.putLong(at, v.base()).putInt(at + 8, v.limit()).putShort(at + 12, (short) v.selector())
                .put(at + 14, (byte) v.type()).put(at + 15, flag(v.present())).put(at + 16, (byte) v.dpl())
                .put(at + 17, flag(v.db())).put(at + 18, flag(v.s())).put(at + 19, flag(v.l()))
                .put(at + 20, flag(v.g())).put(at + 21, flag(v.avl())).put(at + 22, flag(v.unusable()));
    }

    private static byte flag(boolean b) {
        return (byte) (b ? 1 : 0);
    }
}
