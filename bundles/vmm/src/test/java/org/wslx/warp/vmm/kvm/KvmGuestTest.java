package org.wslx.warp.vmm.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wslx.warp.vmm.memory.GuestMemory;
import org.wslx.warp.vmm.testing.KvmAssumptions;
import org.wslx.warp.vmm.testing.LongModeGuest;
import org.wslx.warp.vmm.x86.PageFlags;

/** Real guests on /dev/kvm: exits, their data, and what the host gets back. Skipped without KVM. */
class KvmGuestTest {
    private static KvmSystem kvm;
    private static KvmHostStatus status;

    @BeforeAll
    static void open() {
        status = KvmAssumptions.assumeKvm();
        kvm = KvmSystem.open();
    }

    @AfterAll
    static void close() {
        if (kvm != null) {
            kvm.close();
        }
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void outAndHltAtCpl0() {
        byte[] code = bytes(
                0x66, 0xba, 0xf8, 0x03, // mov $0x3f8, %dx
                0xb0, 0x42,             // mov $0x42, %al
                0xee,                   // out %al, (%dx)
                0xf4);                  // hlt
        try (LongModeGuest g = new LongModeGuest(kvm, code, 0)) {
            VcpuExit.PortOut out = assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run());
            assertEquals(0x3f8, out.port());
            assertEquals(1, out.size());
            assertEquals(1, out.count());
            assertArrayEquals(new byte[] {0x42}, out.data());
            assertInstanceOf(VcpuExit.Halt.class, g.vcpu.run());
            assertEquals(LongModeGuest.CODE + 8, g.vcpu.getRegs().rip());
        }
    }

    @Test
    void entersDirectlyAtCpl3AndDoesPortIoThroughTheTssBitmap() {
        byte[] code = bytes(
                0x66, 0xba, 0xf0, 0x03, // mov $0x3f0, %dx
                0x66, 0xb8, 0x34, 0x12, // mov $0x1234, %ax
                0x66, 0xef,             // out %ax, (%dx)
                0x66, 0xba, 0xf1, 0x03, // mov $0x3f1, %dx
                0xb0, 0x07,             // mov $0x7, %al
                0xee);                  // out %al, (%dx)
        try (LongModeGuest g = new LongModeGuest(kvm, code, 3)) {
            assertEquals(3, g.vcpu.getSregs().cs().dpl());
            VcpuExit.PortOut first = assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run());
            assertEquals(0x3f0, first.port());
            assertEquals(2, first.size());
            assertEquals(0x1234, first.value());
            VcpuExit.PortOut second = assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run());
            assertEquals(0x3f1, second.port());
            assertEquals(7, second.value());
            assertEquals(3, g.vcpu.getSregs().cs().selector() & 3, "still at CPL 3");
        }
    }

    @Test
    void portInIsAnsweredByTheHost() {
        byte[] code = bytes(
                0x66, 0xba, 0xf2, 0x03, // mov $0x3f2, %dx
                0xed,                   // in (%dx), %eax
                0x66, 0xba, 0xf0, 0x03, // mov $0x3f0, %dx
                0xef,                   // out %eax, (%dx)
                0xf4);                  // hlt
        try (LongModeGuest g = new LongModeGuest(kvm, code, 0)) {
            VcpuExit.PortIn in = assertInstanceOf(VcpuExit.PortIn.class, g.vcpu.run());
            assertEquals(0x3f2, in.port());
            assertEquals(4, in.size());
            assertThrows(IllegalArgumentException.class, () -> g.vcpu.completePortIn(new byte[2]));
            g.vcpu.completePortIn(bytes(0x78, 0x56, 0x34, 0x12));
            VcpuExit.PortOut out = assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run());
            assertEquals(0x12345678L, out.value());
        }
    }

    @Test
    void mmioWriteAndReadExitOutsideGuestMemory() {
        byte[] code = bytes(
                0x48, 0xbb, 0x00, 0x00, 0x00, 0xd0, 0, 0, 0, 0, // movabs $0xd0000000, %rbx
                0xc7, 0x03, 0xbe, 0xba, 0xfe, 0xca,             // movl $0xcafebabe, (%rbx)
                0x8b, 0x43, 0x08,                               // mov 8(%rbx), %eax
                0x66, 0xba, 0xf0, 0x03,                         // mov $0x3f0, %dx
                0xef,                                           // out %eax, (%dx)
                0xf4);                                          // hlt
        try (LongModeGuest g = new LongModeGuest(kvm, code, 0)) {
            g.tables.identityMap(0xd0000000L, 0x1000, PageFlags.KERNEL_DATA);
            VcpuExit.MmioWrite w = assertInstanceOf(VcpuExit.MmioWrite.class, g.vcpu.run());
            assertEquals(0xd0000000L, w.address());
            assertEquals(0xcafebabeL, w.value());
            VcpuExit.MmioRead r = assertInstanceOf(VcpuExit.MmioRead.class, g.vcpu.run());
            assertEquals(0xd0000008L, r.address());
            assertEquals(4, r.length());
            g.vcpu.completeMmioRead(bytes(0xef, 0xbe, 0xad, 0xde));
            VcpuExit.PortOut out = assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run());
            assertEquals(0xdeadbeefL, out.value());
        }
    }

    @Test
    void instructionRejectedAtCpl0IsATypedExit() {
        // int3 at CPL 0 with no IDT: kvm_pvm's emulator rejects it (internal error); hardware KVM delivers #BP,
        // which with no IDT becomes a triple fault (shutdown). Either way a typed exit, never a crash.
        byte[] int3 = bytes(0xcc, 0xf4); // int3; hlt
        try (LongModeGuest g = new LongModeGuest(kvm, int3, 0)) {
            VcpuExit exit = g.vcpu.run();
            System.out.println("int3 at CPL 0 on " + (status.pvm() ? "kvm_pvm" : "this KVM") + ": " + exit);
            if (status.pvm()) {
                VcpuExit.InternalError e = assertInstanceOf(VcpuExit.InternalError.class, exit);
                assertTrue(e.suberror() > 0);
            } else {
                assertTrue(exit instanceof VcpuExit.Shutdown || exit instanceof VcpuExit.InternalError, exit.toString());
            }
        }
        byte[] cx16 = bytes(
                0x48, 0xc7, 0xc7, 0x00, 0x00, 0x18, 0x00, // mov $0x180000, %rdi
                0x48, 0x0f, 0xc7, 0x0f,                   // cmpxchg16b (%rdi)
                0xf4);                                    // hlt
        try (LongModeGuest g = new LongModeGuest(kvm, cx16, 0)) {
            VcpuExit exit = g.vcpu.run();
            System.out.println("cmpxchg16b at CPL 0: " + exit);
            if (status.pvm()) {
                assertInstanceOf(VcpuExit.InternalError.class, exit);
            } else {
                assertInstanceOf(VcpuExit.Halt.class, exit);
            }
        }
    }

    @Test
    void tripleFaultIsShutdown() {
        // ud2 with no IDT: #UD cannot be delivered, #DF neither: triple fault.
        try (LongModeGuest g = new LongModeGuest(kvm, bytes(0x0f, 0x0b), 3)) {
            VcpuExit exit = g.vcpu.run();
            System.out.println("ud2 at CPL 3 with no IDT: " + exit);
            assertTrue(exit instanceof VcpuExit.Shutdown || exit instanceof VcpuExit.InternalError, exit.toString());
        }
    }

    @Test
    void kickBeforeRunMakesTheNextRunReturnInterrupted() {
        try (LongModeGuest g = new LongModeGuest(kvm, bytes(0xeb, 0xfe), 3)) { // 1: jmp 1b
            g.vcpu.kick();
            assertInstanceOf(VcpuExit.Interrupted.class, g.vcpu.run());
        }
    }

    @Test
    void manyVmsCreatedAndClosedLeakNoDescriptors() throws IOException {
        byte[] code = bytes(0xf4); // hlt
        // Warm up once so lazily opened descriptors (JNA, the signal set-up) are not counted.
        try (LongModeGuest g = new LongModeGuest(kvm, code, 0)) {
            g.vcpu.run();
        }
        long before = openDescriptors();
        for (int i = 0; i < 40; i++) {
            try (LongModeGuest g = new LongModeGuest(kvm, code, 0)) {
                assertInstanceOf(VcpuExit.Halt.class, g.vcpu.run());
            }
        }
        long after = openDescriptors();
        assertEquals(before, after, "open descriptors before and after 40 VMs");
    }

    @Test
    void inKernelIrqchipPitAndInterruptLines() {
        try (KvmVm vm = kvm.createVm()) {
            vm.setTssAddress(0xfffbd000L);
            vm.createIrqchip();
            vm.createPit();
            KvmVcpu vcpu = vm.createVcpu(0);
            assertEquals(0, vcpu.id());
            vm.interruptLine(4).pulse();
            vm.setIrqLine(3, true);
            vm.setIrqLine(3, false);
            KvmException twice = assertThrows(KvmException.class, vm::createIrqchip);
            assertTrue(twice.errno() != 0, twice.getMessage());
            assertTrue(kvm.checkExtension(org.wslx.warp.vmm.kvm.bindings.KvmConstants.KVM_CAP_IRQCHIP) > 0);
        }
    }

    @Test
    void missingDeviceNamesThePathAndTheCause() {
        Path missing = Path.of("/nonexistent/kvm");
        KvmException e = assertThrows(KvmException.class, () -> KvmSystem.open(missing));
        assertTrue(e.getMessage().contains("/nonexistent/kvm") && e.getMessage().contains("ENOENT"), e.getMessage());
        KvmHostStatus s = KvmHostProbe.probe(missing);
        assertTrue(!s.usable() && !s.deviceExists() && s.problem().contains("ENOENT"), s.toString());
    }

    @Test
    void aDeviceThatIsNotKvmIsRejected() {
        KvmException e = assertThrows(KvmException.class, () -> KvmSystem.open(Path.of("/dev/null")));
        assertTrue(e.getMessage().startsWith("/dev/null is not usable"), e.getMessage());
    }

    @Test
    void memoryFromElsewhereIsRejected() {
        try (KvmVm vm = kvm.createVm()) {
            GuestMemory foreign = (GuestMemory) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {GuestMemory.class}, (p, m, a) -> null);
            assertThrows(IllegalArgumentException.class, () -> vm.registerMemory(foreign));
        }
    }

    static long openDescriptors() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
