package org.wslx.warp.vmm.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wslx.warp.vmm.testing.KvmAssumptions;
import org.wslx.warp.vmm.testing.LongModeGuest;

/**
 * Registers set for the next entry ({@link KvmVcpu#setRegsOnEntry}, {@link KvmVcpu#setSregsOnEntry}) are the ones
 * the guest runs with, whether KVM takes them from kvm_run or the calls fall back to the ioctls; reads before the
 * run and later ioctl writes see and override them as with the ioctls. Skipped without KVM.
 */
class EntryRegistersKvmTest {
    /** {@code out %eax, (%dx); jmp .-1}: reports rax on the port in rdx, again on every run. */
    private static final byte[] REPORT_RAX = { (byte) 0xef, (byte) 0xeb, (byte) 0xfd };
    /** {@code mov %ds, %eax; out %eax, (%dx); hlt}. */
    private static final byte[] REPORT_DS = { (byte) 0x8c, (byte) 0xd8, (byte) 0xef, (byte) 0xf4 };

    private static KvmSystem kvm;

    @BeforeAll
    static void open() {
        KvmAssumptions.assumeKvm();
        kvm = KvmSystem.open();
        System.out.println("registers on entry through kvm_run (KVM_CAP_SYNC_REGS): "
                + (kvm.checkExtension(org.wslx.warp.vmm.kvm.bindings.KvmConstants.KVM_CAP_SYNC_REGS) & 3) + " of 3");
    }

    @AfterAll
    static void close() {
        if (kvm != null) {
            kvm.close();
        }
    }

    private static Regs report(long value) {
        return new Regs().rip(LongModeGuest.CODE).rsp(LongModeGuest.STACK_TOP).rflags(Regs.RFLAGS_RESERVED)
                .rax(value).rdx(LongModeGuest.TEST_PORTS);
    }

    @Test
    void theGuestRunsWithTheRegistersSetForEntry() {
        try (LongModeGuest g = new LongModeGuest(kvm, REPORT_RAX, 3)) {
            for (long value = 1; value <= 3; value++) {
                g.vcpu.setRegsOnEntry(report(0x1000 + value));
                VcpuExit.PortOut out = assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run());
                assertEquals(0x1000 + value, out.value());
            }
            // Not staged again: the guest carries on from where it was, with the rax it had.
            assertEquals(0x1003, assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run()).value());
        }
    }

    @Test
    void readsBeforeTheRunSeeThemAndIoctlWritesAfterThemWin() {
        try (LongModeGuest g = new LongModeGuest(kvm, REPORT_RAX, 3)) {
            g.vcpu.setRegsOnEntry(report(0x2222));
            assertEquals(0x2222, g.vcpu.getRegs().rax());
            g.vcpu.setRegsOnEntry(report(0x3333));
            g.vcpu.setRegs(report(0x4444));
            assertEquals(0x4444, assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run()).value());
        }
    }

    @Test
    void theGuestRunsWithTheSegmentsSetForEntry() {
        try (LongModeGuest g = new LongModeGuest(kvm, REPORT_DS, 0)) {
            Sregs clean = g.vcpu.getSregs();
            Segment ds = clean.ds();
            Segment other = new Segment(ds.base(), ds.limit(), 0x23, ds.type(), ds.present(), 3, ds.db(), ds.s(),
                    ds.l(), ds.g(), ds.avl(), ds.unusable());
            g.vcpu.setSregsOnEntry(g.vcpu.getSregs().ds(other));
            assertEquals(0x23, g.vcpu.getSregs().ds().selector(), "read before the run");
            g.vcpu.setSregsOnEntry(g.vcpu.getSregs().ds(other));
            g.vcpu.setRegsOnEntry(report(0).rdx(LongModeGuest.TEST_PORTS));
            assertEquals(0x23, assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run()).value());

            g.vcpu.setSregsOnEntry(clean);
            g.vcpu.setRegsOnEntry(report(0).rdx(LongModeGuest.TEST_PORTS));
            assertEquals(ds.selector(), assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run()).value());
            assertEquals(ds.selector(), g.vcpu.getSregs().ds().selector());
        }
    }
}
