package org.wslx.warp.vmm.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.wslx.warp.vmm.kvm.KvmSystem;
import org.wslx.warp.vmm.kvm.VcpuExit;
import org.wslx.warp.vmm.testing.KvmAssumptions;
import org.wslx.warp.vmm.testing.LongModeGuest;

/** Copy-on-write reset seen by a running guest: it writes, the host resets, it reads the snapshot again. */
class SnapshotKvmTest {
    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    // Reports the value at DATA, overwrites it with 0x2222, reports it again, then says "done" on port 0x3f1.
    private static final byte[] READ_WRITE_READ = bytes(
            0x48, 0xc7, 0xc7, 0x00, 0x00, 0x18, 0x00, // mov $0x180000, %rdi
            0x8b, 0x07,                               // mov (%rdi), %eax
            0x66, 0xba, 0xf0, 0x03,                   // mov $0x3f0, %dx
            0xef,                                     // out %eax, (%dx)
            0xc7, 0x07, 0x22, 0x22, 0x00, 0x00,       // movl $0x2222, (%rdi)
            0x8b, 0x07,                               // mov (%rdi), %eax
            0xef,                                     // out %eax, (%dx)
            0x66, 0xba, 0xf1, 0x03,                   // mov $0x3f1, %dx
            0xee);                                    // out %al, (%dx)

    private static long[] runOnce(LongModeGuest g) {
        long first = assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run()).value();
        long second = assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run()).value();
        VcpuExit.PortOut done = assertInstanceOf(VcpuExit.PortOut.class, g.vcpu.run());
        assertEquals(0x3f1, done.port());
        return new long[] {first, second};
    }

    @Test
    void guestWritesAreUndoneByResetWithoutReregisteringTheSlot() {
        KvmAssumptions.assumeKvm();
        for (int cpl : new int[] {3, 0}) {
            try (KvmSystem kvm = KvmSystem.open(); LongModeGuest g = new LongModeGuest(kvm, READ_WRITE_READ, cpl)) {
                g.memory.writeU32(LongModeGuest.DATA, 0x1111);
                g.memory.snapshot();
                long[] values = runOnce(g);
                assertEquals(0x1111, values[0]);
                assertEquals(0x2222, values[1]);
                assertEquals(0x2222, g.memory.readU32(LongModeGuest.DATA), "host sees the guest's write");
                MemoryUsage dirty = g.memory.usage();
                assertTrue(dirty.privatePages() >= 1, "the guest's write made a private page: " + dirty);

                long start = System.nanoTime();
                g.memory.resetToSnapshot();
                long micros = (System.nanoTime() - start) / 1000;
                System.out.println("CPL " + cpl + ": reset after the guest dirtied " + dirty.privatePages()
                        + " pages took " + micros + " us; usage after: " + g.memory.usage());
                assertEquals(0x1111, g.memory.readU32(LongModeGuest.DATA), "host sees the snapshot again");
                assertEquals(0, g.memory.usage().privatePages());

                g.restart();
                values = runOnce(g);
                assertEquals(0x1111, values[0], "the guest sees the snapshot again");
                assertEquals(0x2222, values[1]);
            }
        }
    }
}
