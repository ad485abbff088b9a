package org.wslx.warp.sandbox.kvm;

import org.wslx.warp.sandbox.kvm.layout.LongModeEntry;
import org.wslx.warp.sandbox.kvm.layout.SandboxLayout;
import org.wslx.warp.sandbox.kvm.layout.SystemTables;
import org.wslx.warp.vmm.kvm.DescriptorTable;
import org.wslx.warp.vmm.kvm.Regs;
import org.wslx.warp.vmm.kvm.Segment;
import org.wslx.warp.vmm.kvm.Sregs;

/** The vCPU register values of a sandbox: its long-mode CPL 3 state, and the registers of one call. */
final class SandboxRegisters {
    private SandboxRegisters() {
    }

    /** Segment caches matching the GDT's descriptors, so the vCPU is at CPL 3 before its first instruction. */
    static Sregs entrySregs(LongModeEntry cpu) {
        Segment code = new Segment(0, 0xffffffff, SystemTables.USER_CODE, 0xb, true, 3, false, true, true, true, false,
                false);
        Segment data = new Segment(0, 0xffffffff, SystemTables.USER_DATA, 0x3, true, 3, true, true, false, true, false,
                false);
        Segment tss = new Segment(cpu.tssBase(), cpu.tssLimit(), SystemTables.TSS_SELECTOR, 0xb, true, 0, false, false,
                false, false, false, false);
        Segment ldt = new Segment(0, 0xffff, 0, 0x2, true, 0, false, false, false, false, false, true);
        return new Sregs().cs(code).ss(data).ds(data).es(data).fs(data).gs(data).tr(tss).ldt(ldt)
                .gdt(new DescriptorTable(cpu.gdtBase(), cpu.gdtLimit()))
                .idt(new DescriptorTable(cpu.idtBase(), cpu.idtLimit()))
                .cr0(cpu.cr0()).cr3(cpu.cr3()).cr4(cpu.cr4()).efer(cpu.efer());
    }

    /** The entry stub's contract: input, its length, output, its capacity, the function (see entry.S). */
    static Regs callRegs(SandboxLayout layout, long entry, long function, int inputLength, long outputCapacity) {
        return new Regs().rip(entry).rsp(layout.stackTop()).rflags(LongModeEntry.RFLAGS).rdi(layout.inputBase())
                .rsi(inputLength).rdx(layout.outputBase()).rcx(outputCapacity).r8(function);
    }
}
