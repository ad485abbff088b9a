package org.wslx.warp.vmm.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wslx.warp.vmm.bus.MmioBus;
import org.wslx.warp.vmm.bus.PortIoBus;
import org.wslx.warp.vmm.bus.PortIoDevice;
import org.wslx.warp.vmm.kvm.KvmSystem;
import org.wslx.warp.vmm.kvm.VcpuExit;
import org.wslx.warp.vmm.testing.KvmAssumptions;
import org.wslx.warp.vmm.testing.LongModeGuest;

/** vCPU threads on real guests: bus dispatch, host stop and pause of spinning guests. Skipped without KVM. */
class VcpuHandleKvmTest {
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

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** 1: jmp 1b */
    private static final byte[] SPIN = bytes(0xeb, 0xfe);

    @Test
    void portIoGoesToTheBusAndHltFinishes() throws Exception {
        byte[] code = bytes(
                0x66, 0xba, 0xf2, 0x03, // mov $0x3f2, %dx
                0xed,                   // in (%dx), %eax
                0x66, 0xba, 0xf0, 0x03, // mov $0x3f0, %dx
                0xef,                   // out %eax, (%dx)
                0xf4);                  // hlt
        List<String> seen = new CopyOnWriteArrayList<>();
        PortIoBus ports = new PortIoBus();
        ports.register(0x3f0, 8, "test device", new PortIoDevice() {
            @Override
            public void read(int base, int offset, byte[] data) {
                seen.add("read " + offset + "/" + data.length);
                byte[] v = {0x44, 0x33, 0x22, 0x11};
                System.arraycopy(v, 0, data, 0, data.length);
            }

            @Override
            public void write(int base, int offset, byte[] data) {
                seen.add("write " + offset + " " + java.util.Arrays.toString(data));
            }
        });
        try (LongModeGuest g = new LongModeGuest(kvm, code, 0)) {
            VcpuHandle h = VcpuHandle.start(g.vcpu, ports, new MmioBus(), VcpuExitHandler.DEFAULT, false);
            VcpuFinish end = h.awaitFinished(Duration.ofSeconds(10)).orElseThrow();
            assertEquals(FinishReason.HALTED, end.reason(), end.message());
            assertEquals(VcpuState.FINISHED, h.state());
            assertEquals(List.of("read 2/4", "write 0 [68, 51, 34, 17]"), seen);
            assertThrows(IllegalStateException.class, h::resume);
            h.close();
        }
    }

    @Test
    void aSpinningGuestIsStoppedInMilliseconds() throws Exception {
        for (int cpl : new int[] {3, 0}) {
            try (LongModeGuest g = new LongModeGuest(kvm, SPIN, cpl)) {
                VcpuHandle h = VcpuHandle.start(g.vcpu, new PortIoBus(), new MmioBus(), VcpuExitHandler.DEFAULT, false);
                Thread.sleep(100);
                assertEquals(VcpuState.RUNNING, h.state());
                long start = System.nanoTime();
                VcpuFinish end = h.stop();
                double ms = (System.nanoTime() - start) / 1e6;
                System.out.printf("stopping a guest spinning at CPL %d took %.3f ms%n", cpl, ms);
                assertEquals(FinishReason.STOPPED_BY_HOST, end.reason());
                assertEquals(VcpuState.FINISHED, h.state());
                assertTrue(ms < 200, "stop took " + ms + " ms");
                assertThrows(IllegalStateException.class, h::stop);
                h.close();
            }
        }
    }

    @Test
    void pauseFreezesTheGuestAndResumeContinuesIt() throws Exception {
        byte[] counter = bytes(
                0x48, 0xc7, 0xc7, 0x00, 0x00, 0x18, 0x00, // mov $0x180000, %rdi
                0x48, 0xff, 0x07,                         // 1: incq (%rdi)
                0xeb, 0xfb);                              // jmp 1b
        try (LongModeGuest g = new LongModeGuest(kvm, counter, 3)) {
            VcpuHandle h = VcpuHandle.start(g.vcpu, new PortIoBus(), new MmioBus(), VcpuExitHandler.DEFAULT, true);
            assertEquals(VcpuState.PAUSED, h.state());
            assertEquals(0, g.memory.readU64(LongModeGuest.DATA), "started paused: no guest code ran");
            assertThrows(IllegalStateException.class, h::pause);
            h.resume();
            Thread.sleep(50);
            long start = System.nanoTime();
            assertEquals(VcpuState.PAUSED, h.pause());
            System.out.printf("pausing a spinning guest took %.3f ms%n", (System.nanoTime() - start) / 1e6);
            long c1 = g.memory.readU64(LongModeGuest.DATA);
            assertTrue(c1 > 0, "the guest counted while running");
            long rip = h.vcpu().getRegs().rip();
            assertTrue(rip >= LongModeGuest.CODE + 7 && rip <= LongModeGuest.CODE + 10, "rip in the loop: " + Long.toHexString(rip));
            Thread.sleep(50);
            assertEquals(c1, g.memory.readU64(LongModeGuest.DATA), "no progress while paused");
            h.resume();
            Thread.sleep(50);
            assertTrue(g.memory.readU64(LongModeGuest.DATA) > c1, "progress after resume");
            assertEquals(FinishReason.STOPPED_BY_HOST, h.stop().reason());
        }
    }

    @Test
    void theExitHandlerCanPauseAndTheHostChangeRegistersBeforeResuming() throws Exception {
        byte[] code = bytes(
                0x66, 0xba, 0xf0, 0x03, // mov $0x3f0, %dx
                0xee,                   // out %al, (%dx)
                0xf4);                  // hlt
        List<Long> values = new ArrayList<>();
        VcpuExitHandler handler = (exit, vcpu) -> {
            if (exit instanceof VcpuExit.PortOut out && out.port() == 0x3f0) {
                values.add(out.value());
                return ExitAction.PAUSE;
            }
            return ExitAction.DEFAULT;
        };
        try (LongModeGuest g = new LongModeGuest(kvm, code, 0)) {
            g.vcpu.setRegs(g.vcpu.getRegs().rax(5));
            VcpuHandle h = VcpuHandle.start(g.vcpu, new PortIoBus(), new MmioBus(), handler, false);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (h.state() != VcpuState.PAUSED && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(VcpuState.PAUSED, h.state());
            g.restart();
            g.vcpu.setRegs(g.vcpu.getRegs().rax(9));
            h.resume();
            while (h.state() == VcpuState.RUNNING && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(List.of(5L, 9L), values);
            h.close();
        }
    }

    @Test
    void anUnsupportedExitFinishesWithItsReason() throws Exception {
        try (LongModeGuest g = new LongModeGuest(kvm, bytes(0x0f, 0x0b), 3)) { // ud2 with no IDT
            VcpuHandle h = VcpuHandle.start(g.vcpu, new PortIoBus(), new MmioBus(), null, false);
            VcpuFinish end = h.awaitFinished(Duration.ofSeconds(10)).orElseThrow();
            System.out.println(end.message());
            assertTrue(end.reason() == FinishReason.SHUTDOWN || end.reason() == FinishReason.UNSUPPORTED_EXIT, end.message());
            assertTrue(end.lastExit().isPresent());
        }
    }

    @Test
    void aDeviceThatThrowsFinishesWithError() throws Exception {
        byte[] code = bytes(0x66, 0xba, 0xf0, 0x03, 0xee, 0xf4); // mov $0x3f0,%dx; out %al,(%dx); hlt
        PortIoBus ports = new PortIoBus();
        ports.register(0x3f0, 1, "broken", new PortIoDevice() {
            @Override
            public void read(int base, int offset, byte[] data) {
            }

            @Override
            public void write(int base, int offset, byte[] data) {
                throw new IllegalStateException("device model bug");
            }
        });
        try (LongModeGuest g = new LongModeGuest(kvm, code, 0)) {
            VcpuHandle h = VcpuHandle.start(g.vcpu, ports, new MmioBus(), null, false);
            VcpuFinish end = h.awaitFinished(Duration.ofSeconds(10)).orElseThrow();
            assertEquals(FinishReason.ERROR, end.reason());
            assertInstanceOf(IllegalStateException.class, end.error().orElseThrow());
        }
    }
}
