package org.wslx.warp.backend.kvm;

import org.wslx.warp.boot.EntryState;
import org.wslx.warp.vmm.kvm.DescriptorTable;
import org.wslx.warp.vmm.kvm.Regs;
import org.wslx.warp.vmm.kvm.Segment;
import org.wslx.warp.vmm.kvm.Sregs;

/**
 * A boot method's {@link EntryState} as KVM register sets. The hidden segment parts are what a
 * processor holds after loading flat descriptors in long mode, and TR is a busy 64-bit TSS, so
 * hardware VMX and SVM accept the state on entry as well.
 */
final class EntryRegisters {
    private EntryRegisters() {
    }

    static Regs regs(EntryState s) {
        return new Regs().rip(s.rip()).rsp(s.rsp()).rbx(s.rbx()).rsi(s.rsi()).rflags(s.rflags());
    }

    static Sregs sregs(Sregs current, EntryState s) {
        Segment code = new Segment(0, 0xFFFF_FFFF, s.codeSelector(), 0xB, true, 0, false, true, true, true, false, false);
        Segment data = new Segment(0, 0xFFFF_FFFF, s.dataSelector(), 0x3, true, 0, true, true, false, true, false, false);
        Segment task = new Segment(0, 0x67, 0, 0xB, true, 0, false, false, false, false, false, false);
        Segment noLdt = new Segment(0, 0, 0, 0x2, false, 0, false, false, false, false, false, true);
        return current.cs(code).ds(data).es(data).fs(data).gs(data).ss(data).tr(task).ldt(noLdt)
                .gdt(new DescriptorTable(s.gdtBase(), s.gdtLimit())).idt(new DescriptorTable(0, 0))
                .cr0(s.cr0()).cr3(s.cr3()).cr4(s.cr4()).efer(s.efer());
    }
}
