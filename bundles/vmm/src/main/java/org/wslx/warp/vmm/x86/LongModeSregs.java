package org.wslx.warp.vmm.x86;

import org.osgi.annotation.versioning.ProviderType;
import org.wslx.warp.vmm.kvm.DescriptorTable;
import org.wslx.warp.vmm.kvm.Segment;
import org.wslx.warp.vmm.kvm.Sregs;

/**
 * Fills {@link Sregs} so a vCPU starts in 64-bit long mode with paging on, at CPL 0 or directly at CPL 3: CR0
 * PE|MP|ET|NE|WP|PG, CR4 PAE|OSFXSR|OSXMMEXCPT (SSE usable), EFER LME|LMA|NXE, CS a 64-bit code segment, SS and
 * the data registers a flat data segment of the same privilege, TR a busy 64-bit TSS, LDTR unusable. The values
 * are what a processor would hold after a real switch to long mode, so they also pass the entry checks of hardware
 * VMX and SVM. Starting at CPL 3 needs a TSS whose RSP0 points to a kernel stack if the guest may take
 * interrupts or exceptions.
 */
@ProviderType
public final class LongModeSregs {
    public static final long CR0_PE = 1L;
    public static final long CR0_MP = 1L << 1;
    public static final long CR0_ET = 1L << 4;
    public static final long CR0_NE = 1L << 5;
    public static final long CR0_WP = 1L << 16;
    public static final long CR0_PG = 1L << 31;
    public static final long CR4_PAE = 1L << 5;
    public static final long CR4_OSFXSR = 1L << 9;
    public static final long CR4_OSXMMEXCPT = 1L << 10;
    public static final long EFER_SCE = 1L;
    public static final long EFER_LME = 1L << 8;
    public static final long EFER_LMA = 1L << 10;
    public static final long EFER_NXE = 1L << 11;

    public static final long CR0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
    public static final long CR4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
    public static final long EFER = EFER_LME | EFER_LMA | EFER_NXE;

    private LongModeSregs() {
    }

    /**
     * Long-mode registers for the {@link GdtBuilder#standard(long, int) standard GDT}.
     *
     * @param current    the vCPU's current sregs (keeps its APIC base and pending interrupts)
     * @param gdt        the standard GDT, already written at {@code gdtAddress}
     * @param gdtAddress guest linear (identity-mapped) address of the GDT
     * @param cr3        the PML4's guest physical address ({@link PageTableBuilder#root()})
     * @param cpl        0 (kernel) or 3 (user)
     * @param idt        the IDTR, or {@code new DescriptorTable(0, 0)} when the guest takes no interrupts
     */
    public static Sregs standard(Sregs current, GdtBuilder gdt, long gdtAddress, long cr3, int cpl, DescriptorTable idt) {
        return switch (cpl) {
            case 0 -> of(current, gdt, gdtAddress, cr3, GdtBuilder.KERNEL_CODE, GdtBuilder.KERNEL_DATA, GdtBuilder.TSS, idt);
            case 3 -> of(current, gdt, gdtAddress, cr3, GdtBuilder.USER_CODE, GdtBuilder.USER_DATA, GdtBuilder.TSS, idt);
            default -> throw new IllegalArgumentException("long-mode entry: privilege level " + cpl + " is not 0 or 3");
        };
    }

    /** Long-mode registers with explicit selectors from {@code gdt}; the code segment's DPL is the entry CPL. */
    public static Sregs of(Sregs current, GdtBuilder gdt, long gdtAddress, long cr3, int codeSelector, int dataSelector,
            int tssSelector, DescriptorTable idt) {
        Segment code = gdt.segment(codeSelector);
        Segment data = gdt.segment(dataSelector);
        if (!code.l() || code.db()) {
            throw new IllegalArgumentException("long-mode entry: selector 0x" + Integer.toHexString(codeSelector)
                    + " is not a 64-bit code segment");
        }
        if (data.dpl() != code.dpl()) {
            throw new IllegalArgumentException("long-mode entry: stack segment DPL " + data.dpl()
                    + " differs from code segment DPL " + code.dpl());
        }
        if (cr3 % 4096 != 0) {
            throw new IllegalArgumentException("long-mode entry: CR3 0x" + Long.toHexString(cr3) + " is not page aligned");
        }
        return current.cs(code).ss(data).ds(data).es(data).fs(data).gs(data)
                .tr(gdt.segment(tssSelector))
                .ldt(new Segment(0, 0, 0, 0x2, false, 0, false, false, false, false, false, true))
                .gdt(new DescriptorTable(gdtAddress, gdt.limit()))
                .idt(idt)
                .cr0(CR0).cr3(cr3).cr4(CR4).efer(EFER | (current.efer() & EFER_SCE));
    }
}
