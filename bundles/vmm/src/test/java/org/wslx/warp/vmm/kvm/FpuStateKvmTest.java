package org.wslx.warp.vmm.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wslx.warp.vmm.testing.KvmAssumptions;
import org.wslx.warp.vmm.testing.LongModeGuest;

/**
 * FPU/SSE state through KVM_GET/SET_XSAVE and KVM_GET/SET_FPU on real guests at CPL 3: what a guest leaves in XMM5
 * and MXCSR is visible to the host and to the guest's next run, and loading the clean state clears both.
 */
class FpuStateKvmTest {
    private static final long SECRET = 0x1122334455667788L;
    private static final int DIRTY_MXCSR = 0x7f80;
    /** At 0: leaves SECRET in XMM5 and DIRTY_MXCSR in MXCSR, then exits; at REPORT: xmm5 → rax, mxcsr → rbx, exits. */
    private static final byte[] CODE = bytes(
            0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, // movabs $SECRET, %rax
            0x66, 0x48, 0x0f, 0x6e, 0xe8,                               // movq %rax, %xmm5
            0xc7, 0x44, 0x24, 0xf8, 0x80, 0x7f, 0x00, 0x00,             // movl $0x7f80, -8(%rsp)
            0x0f, 0xae, 0x54, 0x24, 0xf8,                               // ldmxcsr -8(%rsp)
            0x66, 0xba, 0xf0, 0x03, 0xee,                               // mov $0x3f0, %dx; out %al, (%dx)
            0x66, 0x48, 0x0f, 0x7e, 0xe8,                               // REPORT: movq %xmm5, %rax
            0x0f, 0xae, 0x5c, 0x24, 0xf8,                               // stmxcsr -8(%rsp)
            0x8b, 0x5c, 0x24, 0xf8,                                     // mov -8(%rsp), %ebx
            0x66, 0xba, 0xf0, 0x03, 0xee);                              // mov $0x3f0, %dx; out %al, (%dx)
    private static final long REPORT = LongModeGuest.CODE + 0x21;

    private static KvmSystem kvm;

    @BeforeAll
    static void open() {
        KvmAssumptions.assumeKvm();
        kvm = KvmSystem.open();
    }

    @AfterAll
    static void close() {
        if (kvm != null) {
            kvm.close();
        }
    }

    @Test
    void xsaveShowsTheGuestsVectorStateAndRestoringTheCleanStateClearsItForTheGuest() {
        try (LongModeGuest g = new LongModeGuest(kvm, CODE, 3)) {
            Assumptions.assumeTrue(g.vcpu.supportsXsave(), "this host's KVM has no KVM_CAP_XSAVE");
            XsaveState clean = g.vcpu.getXsave().withLegacyComponentsPresent();
            assertEquals(0x37f, clean.fcw());
            assertEquals(0x1f80, clean.mxcsr());

            leaveSecret(g);
            XsaveState dirty = g.vcpu.getXsave();
            assertEquals(SECRET, low64(dirty.xmm(5)));
            assertEquals(DIRTY_MXCSR, dirty.mxcsr());
            assertEquals(SECRET, report(g)[0], "without a reset the next run sees the secret");

            g.vcpu.setXsave(clean);
            long[] seen = report(g);
            assertEquals(0, seen[0], "XMM5 after the clean XSAVE state");
            assertEquals(0x1f80, seen[1], "MXCSR after the clean XSAVE state");
            assertArrayEquals(new byte[16], g.vcpu.getXsave().xmm(5));

            leaveSecret(g);
            g.vcpu.setXsave(clean); // the same object again: only the system call
            assertEquals(0, report(g)[0]);
        }
    }

    @Test
    void fpuCallsCoverXmmButNotMxcsr() {
        try (LongModeGuest g = new LongModeGuest(kvm, CODE, 3)) {
            leaveSecret(g);
            FpuState dirty = g.vcpu.getFpu();
            assertEquals(SECRET, low64(dirty.xmm(5)));

            g.vcpu.setFpu(FpuState.initial());
            long[] seen = report(g);
            assertEquals(0, seen[0], "XMM5 after KVM_SET_FPU");
            assertEquals(0x37f, g.vcpu.getFpu().fcw());
            // Linux's KVM_SET_FPU copies everything but MXCSR, which is why sandboxes reset through XSAVE.
            System.out.printf("MXCSR after KVM_SET_FPU with 0x1f80: 0x%x%n", seen[1]);
        }
    }

    @Test
    void aStateOfAnotherSizeIsRefused() {
        try (LongModeGuest g = new LongModeGuest(kvm, CODE, 3)) {
            Assumptions.assumeTrue(g.vcpu.supportsXsave(), "this host's KVM has no KVM_CAP_XSAVE");
            XsaveState wrong = new XsaveState(new byte[g.vcpu.getXsave().size() + 64]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.vcpu.setXsave(wrong));
            assertEquals("vCPU 0: XSAVE state of " + wrong.size() + " bytes does not fit this VM's XSAVE area of "
                    + (wrong.size() - 64) + " bytes", e.getMessage());
        }
    }

    private static void leaveSecret(LongModeGuest g) {
        g.restart();
        assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run());
    }

    /** Runs the report code; returns {XMM5's low 64 bits, MXCSR}. */
    private static long[] report(LongModeGuest g) {
        g.vcpu.setRegs(new Regs().rip(REPORT).rsp(LongModeGuest.STACK_TOP).rflags(Regs.RFLAGS_RESERVED));
        assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run());
        Regs regs = g.vcpu.getRegs();
        return new long[] {regs.rax(), regs.rbx()};
    }

    private static long low64(byte[] xmm) {
        return ByteBuffer.wrap(xmm).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
