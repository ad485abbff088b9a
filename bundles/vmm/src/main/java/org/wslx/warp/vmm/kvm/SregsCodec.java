package org.wslx.warp.vmm.kvm;

import org.wslx.warp.vmm.kvm.bindings.KvmDtable;
import org.wslx.warp.vmm.kvm.bindings.KvmSegment;
import org.wslx.warp.vmm.kvm.bindings.KvmSregs;

/** Converts {@link Sregs} to and from the native {@code struct kvm_sregs}. */
final class SregsCodec {
    private SregsCodec() {
    }

    static Sregs fromNative(KvmSregs s) {
        return new Sregs().cs(segment(s.cs)).ds(segment(s.ds)).es(segment(s.es)).fs(segment(s.fs)).gs(segment(s.gs))
                .ss(segment(s.ss)).tr(segment(s.tr)).ldt(segment(s.ldt))
                .gdt(new DescriptorTable(s.gdt.base, s.gdt.limit & 0xFFFF))
                .idt(new DescriptorTable(s.idt.base, s.idt.limit & 0xFFFF))
                .cr0(s.cr0).cr2(s.cr2).cr3(s.cr3).cr4(s.cr4).cr8(s.cr8).efer(s.efer).apicBase(s.apic_base)
                .interruptBitmap(s.interrupt_bitmap);
    }

    static KvmSregs toNative(Sregs v) {
        KvmSregs s = new KvmSregs();
        fill(s.cs, v.cs(), "cs");
        fill(s.ds, v.ds(), "ds");
        fill(s.es, v.es(), "es");
        fill(s.fs, v.fs(), "fs");
        fill(s.gs, v.gs(), "gs");
        fill(s.ss, v.ss(), "ss");
        fill(s.tr, v.tr(), "tr");
        fill(s.ldt, v.ldt(), "ldt");
        fill(s.gdt, v.gdt());
        fill(s.idt, v.idt());
        s.cr0 = v.cr0();
        s.cr2 = v.cr2();
        s.cr3 = v.cr3();
        s.cr4 = v.cr4();
        s.cr8 = v.cr8();
        s.efer = v.efer();
        s.apic_base = v.apicBase();
        s.interrupt_bitmap = v.interruptBitmap();
        return s;
    }

    static Segment segment(KvmSegment k) {
        return new Segment(k.base, k.limit, k.selector & 0xFFFF, k.type & 0xFF, k.present != 0, k.dpl & 0xFF, k.db != 0,
                k.s != 0, k.l != 0, k.g != 0, k.avl != 0, k.unusable != 0);
    }

    private static void fill(KvmSegment k, Segment v, String name) {
        if (v == null) {
            throw new IllegalArgumentException("sregs: segment register " + name + " is not set");
        }
        k.base = v.base();
        k.limit = v.limit();
        k.selector = (short) v.selector();
        k.type = (byte) v.type();
        k.present = flag(v.present());
        k.dpl = (byte) v.dpl();
        k.db = flag(v.db());
        k.s = flag(v.s());
        k.l = flag(v.l());
        k.g = flag(v.g());
        k.avl = flag(v.avl());
        k.unusable = flag(v.unusable());
    }

    private static void fill(KvmDtable k, DescriptorTable v) {
        k.base = v.base();
        k.limit = (short) v.limit();
    }

    private static byte flag(boolean b) {
        return (byte) (b ? 1 : 0);
    }
}
