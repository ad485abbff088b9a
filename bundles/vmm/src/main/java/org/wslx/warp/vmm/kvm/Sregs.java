package org.wslx.warp.vmm.kvm;

import java.util.Arrays;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The segment, descriptor-table and control registers of a vCPU ({@code struct kvm_sregs}). A mutable value like
 * {@link Regs}; {@code org.wslx.warp.vmm.x86.LongModeSregs} fills it for 64-bit entry.
 */
@ProviderType
public final class Sregs {
    private Segment cs, ds, es, fs, gs, ss, tr, ldt;
    private DescriptorTable gdt = new DescriptorTable(0, 0);
    private DescriptorTable idt = new DescriptorTable(0, 0);
    private long cr0, cr2, cr3, cr4, cr8, efer, apicBase;
    private long[] interruptBitmap = new long[4];

    public Segment cs() { return cs; }
    public Segment ds() { return ds; }
    public Segment es() { return es; }
    public Segment fs() { return fs; }
    public Segment gs() { return gs; }
    public Segment ss() { return ss; }
    public Segment tr() { return tr; }
    public Segment ldt() { return ldt; }
    public DescriptorTable gdt() { return gdt; }
    public DescriptorTable idt() { return idt; }
    public long cr0() { return cr0; }
    public long cr2() { return cr2; }
    public long cr3() { return cr3; }
    public long cr4() { return cr4; }
    public long cr8() { return cr8; }
    public long efer() { return efer; }
    public long apicBase() { return apicBase; }
    /** Pending external interrupts (256 bits); a copy. */
    public long[] interruptBitmap() { return interruptBitmap.clone(); }

    public Sregs cs(Segment v) { cs = v; return this; }
    public Sregs ds(Segment v) { ds = v; return this; }
    public Sregs es(Segment v) { es = v; return this; }
    public Sregs fs(Segment v) { fs = v; return this; }
    public Sregs gs(Segment v) { gs = v; return this; }
    public Sregs ss(Segment v) { ss = v; return this; }
    public Sregs tr(Segment v) { tr = v; return this; }
    public Sregs ldt(Segment v) { ldt = v; return this; }
    public Sregs gdt(DescriptorTable v) { gdt = v; return this; }
    public Sregs idt(DescriptorTable v) { idt = v; return this; }
    public Sregs cr0(long v) { cr0 = v; return this; }
    public Sregs cr2(long v) { cr2 = v; return this; }
    public Sregs cr3(long v) { cr3 = v; return this; }
    public Sregs cr4(long v) { cr4 = v; return this; }
    public Sregs cr8(long v) { cr8 = v; return this; }
    public Sregs efer(long v) { efer = v; return this; }
    public Sregs apicBase(long v) { apicBase = v; return this; }

    public Sregs interruptBitmap(long[] v) {
        if (v.length != 4) {
            throw new IllegalArgumentException("interrupt bitmap must have 4 words, not " + v.length);
        }
        interruptBitmap = v.clone();
        return this;
    }

    @Override
    public String toString() {
        return "cr0=" + Long.toHexString(cr0) + " cr3=" + Long.toHexString(cr3) + " cr4=" + Long.toHexString(cr4)
                + " efer=" + Long.toHexString(efer) + " cs=" + cs + " ss=" + ss + " gdt=" + gdt + " idt=" + idt
                + " bitmap=" + Arrays.toString(interruptBitmap);
    }
}
