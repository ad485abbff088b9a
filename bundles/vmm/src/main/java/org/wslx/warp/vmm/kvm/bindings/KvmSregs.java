package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.Structure;

/** {@code struct kvm_sregs} for x86-64 (312 bytes). */
@Structure.FieldOrder({"cs", "ds", "es", "fs", "gs", "ss", "tr", "ldt", "gdt", "idt",
        "cr0", "cr2", "cr3", "cr4", "cr8", "efer", "apic_base", "interrupt_bitmap"})
public final class KvmSregs extends Structure {
    public static final int SIZE = 312;
    /** {@code (KVM_NR_INTERRUPTS + 63) / 64} with 256 interrupts. */
    public static final int INTERRUPT_BITMAP_WORDS = 4;
    public KvmSegment.ByValue cs = new KvmSegment.ByValue(), ds = new KvmSegment.ByValue(),
            es = new KvmSegment.ByValue(), fs = new KvmSegment.ByValue(), gs = new KvmSegment.ByValue(),
            ss = new KvmSegment.ByValue(), tr = new KvmSegment.ByValue(), ldt = new KvmSegment.ByValue();
    public KvmDtable.ByValue gdt = new KvmDtable.ByValue(), idt = new KvmDtable.ByValue();
    public long cr0, cr2, cr3, cr4, cr8, efer, apic_base;
    public long[] interrupt_bitmap = new long[INTERRUPT_BITMAP_WORDS];
}
