package org.wslx.warp.vmm.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;
import org.wslx.warp.vmm.testing.KvmAssumptions;
import org.wslx.warp.vmm.testing.LongModeGuest;

class KvmSmokeTest {
    @Test
    void outThenHlt() {
        KvmHostStatus status = KvmAssumptions.assumeKvm();
        System.out.println(status.summary());
        byte[] code = {
                0x66, (byte) 0xba, (byte) 0xf8, 0x03, // mov $0x3f8, %dx
                (byte) 0xb0, 0x42,                    // mov $0x42, %al
                (byte) 0xee,                          // out %al, (%dx)
                (byte) 0xf4,                          // hlt
        };
        try (KvmSystem kvm = KvmSystem.open(); LongModeGuest g = new LongModeGuest(kvm, code, 0)) {
            VcpuExit exit = g.vcpu.run();
            System.out.println(exit);
            VcpuExit.PortOut out = assertInstanceOf(VcpuExit.PortOut.class, exit);
            assertEquals(0x3f8, out.port());
            assertEquals(0x42, out.value());
            VcpuExit next = g.vcpu.run();
            System.out.println(next);
            assertInstanceOf(VcpuExit.Halt.class, next);
        }
    }
}
