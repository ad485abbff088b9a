package org.wslx.warp.backend.kvm.acpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wslx.warp.backend.kvm.acpi.Platforms.hex;
import static org.wslx.warp.backend.kvm.acpi.Platforms.sum;
import static org.wslx.warp.backend.kvm.acpi.Platforms.u32;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class MadtTest {
    @Test
    void oneVcpuTheIoApicTheTimerAndTheConsoleInterrupt() {
        byte[] madt = Madt.of(Platforms.of(1, 1, false));
        assertEquals(0, sum(madt, 0, madt.length));
        assertEquals(madt.length, u32(madt, 4));
        byte[] expected = hex("""
                0000E0FE 01000000
                00 08 00 00 01000000
                01 0C 00 00 0000C0FE 00000000
                02 0A 00 00 00000000 0000
                02 0A 00 05 05000000 0D00
                04 06 FF 0000 01
                """);
        assertArrayEquals(expected, Arrays.copyOfRange(madt, 36, madt.length));
    }

    @Test
    void fourVcpusComOneAndThreeSlots() {
        byte[] madt = Madt.of(Platforms.of(4, 3, true));
        assertEquals(0, sum(madt, 0, madt.length));
        byte[] expected = hex("""
                0000E0FE 01000000
                00 08 00 00 01000000
                00 08 01 01 01000000
                00 08 02 02 01000000
                00 08 03 03 01000000
                01 0C 00 00 0000C0FE 00000000
                02 0A 00 00 00000000 0000
                02 0A 00 04 04000000 0D00
                02 0A 00 05 05000000 0D00
                02 0A 00 06 06000000 0D00
                02 0A 00 07 07000000 0D00
                04 06 FF 0000 01
                """);
        assertArrayEquals(expected, Arrays.copyOfRange(madt, 36, madt.length));
    }

    @Test
    void overridesFollowTheWiringTheyAreGiven() {
        AcpiPlatform pcLike = new AcpiPlatform(1, 2, java.util.List.of(new AcpiPlatform.VirtioMmioSlot(0, 0xFEB00000L, 0x200,
                new AcpiPlatform.Interrupt(16, false, true))), java.util.List.of(), Platforms.POWER);
        assertEquals(java.util.List.of(new Madt.Override(0, 2, 0)), Madt.overrides(pcLike), "GSI 16 is no ISA IRQ");
        assertEquals(3 | 1 << 2, Madt.flags(new AcpiPlatform.Interrupt(9, false, true)), "edge, active low");
    }

    @Test
    void refusesWhatTheTableCannotHold() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Platforms.of(256, 1, false));
        assertTrue(e.getMessage().contains("256 vCPUs cannot be described"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AcpiPlatform.Interrupt.levelHigh(24));
        assertTrue(e.getMessage().contains("GSI 24 is not an IOAPIC pin"), e.getMessage());
    }
}
