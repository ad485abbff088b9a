package org.wslx.warp.vmm.testing;

import org.wslx.warp.vmm.kvm.DescriptorTable;
import org.wslx.warp.vmm.kvm.KvmSystem;
import org.wslx.warp.vmm.kvm.KvmVcpu;
import org.wslx.warp.vmm.kvm.KvmVm;
import org.wslx.warp.vmm.kvm.Regs;
import org.wslx.warp.vmm.memory.GuestMemory;
import org.wslx.warp.vmm.x86.GdtBuilder;
import org.wslx.warp.vmm.x86.LongModeSregs;
import org.wslx.warp.vmm.x86.PageFlags;
import org.wslx.warp.vmm.x86.PageTableBuilder;
import org.wslx.warp.vmm.x86.Tss64Builder;

/**
 * A VM with one vCPU in 64-bit mode, running machine code placed at {@link #CODE}: 2 MiB of memory identity-mapped,
 * the standard GDT at 0x1000, a TSS (with an IO bitmap opening the test ports to CPL 3) at 0x2000, page tables
 * from 0x10000, stack below 0x1f0000.
 */
public final class LongModeGuest implements AutoCloseable {
    public static final long MEMORY_SIZE = 2L << 20;
    public static final long GDT = 0x1000;
    public static final long TSS = 0x2000;
    public static final long TABLES = 0x10000;
    public static final long CODE = 0x100000;
    public static final long DATA = 0x180000;
    public static final long STACK_TOP = 0x1f0000;
    /** Ports CPL 3 test code may use. */
    public static final int TEST_PORTS = 0x3f0;

    public final KvmSystem kvm;
    public final GuestMemory memory;
    public final KvmVm vm;
    public final KvmVcpu vcpu;
    /** More mappings may be added before the guest runs. */
    public final PageTableBuilder tables;

    public LongModeGuest(KvmSystem kvm, byte[] code, int cpl) {
        this.kvm = kvm;
        this.memory = GuestMemory.builder().name("test-guest").region(0, MEMORY_SIZE).build();
        this.vm = kvm.createVm();
        vm.registerMemory(memory);
        this.vcpu = vm.createVcpu(0);
        memory.write(CODE, code);
        this.tables = new PageTableBuilder(memory, TABLES, 0x10000);
        tables.identityMap(0, MEMORY_SIZE, cpl == 3 ? PageFlags.USER_RWX : PageFlags.KERNEL_RWX);
        Tss64Builder tss = new Tss64Builder().rsp0(STACK_TOP - 0x8000).allowPorts(TEST_PORTS, 16);
        tss.writeTo(memory, TSS);
        GdtBuilder gdt = GdtBuilder.standard(TSS, tss.limit());
        gdt.writeTo(memory, GDT);
        vcpu.setCpuid(kvm.supportedCpuid());
        vcpu.setSregs(LongModeSregs.standard(vcpu.getSregs(), gdt, GDT, tables.root(), cpl, new DescriptorTable(0, 0)));
        restart();
    }

    /** Points the vCPU at the start of the code again. */
    public void restart() {
        vcpu.setRegs(new Regs().rip(CODE).rsp(STACK_TOP).rflags(Regs.RFLAGS_RESERVED));
    }

    @Override
    public void close() {
        vm.close();
        memory.close();
    }
}
