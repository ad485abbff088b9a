package org.wslx.warp.backend.kvm.acpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.wslx.warp.backend.kvm.acpi.Platforms.ascii;
import static org.wslx.warp.backend.kvm.acpi.Platforms.sum;
import static org.wslx.warp.backend.kvm.acpi.Platforms.u16;
import static org.wslx.warp.backend.kvm.acpi.Platforms.u32;
import static org.wslx.warp.backend.kvm.acpi.Platforms.u64;
import static org.wslx.warp.backend.kvm.acpi.Platforms.u8;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AcpiTablesTest {
    static final long BASE = 0xE0000;
    private final AcpiImage image = AcpiTables.build(Platforms.of(2, 3, true), BASE, 0x20000);

    private byte[] table(String signature) {
        int at = (int) (image.tables().get(signature) - BASE);
        int length = signature.equals("RSDP") ? 36 : (int) u32(image.bytes(), at + 4);
        return Arrays.copyOfRange(image.bytes(), at, at + length);
    }

    @Test
    void laysOutTheTablesRsdpFirstOnSixteenByteBoundaries() {
        assertEquals(List.of("RSDP", "XSDT", "FACP", "APIC", "DSDT"), List.copyOf(image.tables().keySet()));
        assertEquals(BASE, image.rsdp());
        assertEquals(Map.of("RSDP", 0xE0000L, "XSDT", 0xE0030L, "FACP", 0xE0070L), Map.of("RSDP", image.tables().get("RSDP"),
                "XSDT", image.tables().get("XSDT"), "FACP", image.tables().get("FACP")));
        for (long address : image.tables().values()) {
            assertEquals(0, address % 16, Long.toHexString(address));
        }
        long dsdt = image.tables().get("DSDT");
        assertEquals(dsdt - BASE + table("DSDT").length, image.bytes().length);
    }

    @Test
    void rsdpIsRevisionTwoWithBothChecksumsAndTheXsdt() {
        byte[] rsdp = table("RSDP");
        assertEquals("RSD PTR ", ascii(rsdp, 0, 8));
        assertEquals(0, sum(rsdp, 0, 20), "ACPI 1.0 checksum");
        assertEquals(0, sum(rsdp, 0, 36), "extended checksum");
        assertEquals("WSLX  ", ascii(rsdp, 9, 6));
        assertEquals(2, u8(rsdp, 15));
        assertEquals(0, u32(rsdp, 16), "no RSDT");
        assertEquals(36, u32(rsdp, 20));
        assertEquals(image.tables().get("XSDT"), u64(rsdp, 24));
        assertArrayEquals(new byte[3], Arrays.copyOfRange(rsdp, 33, 36));
    }

    @Test
    void everyTableHasItsSignatureLengthAndAZeroChecksum() {
        Map<String, Integer> revisions = Map.of("XSDT", 1, "FACP", 6, "APIC", 5, "DSDT", 2);
        for (String signature : List.of("XSDT", "FACP", "APIC", "DSDT")) {
            byte[] t = table(signature);
            assertEquals(signature, ascii(t, 0, 4));
            assertEquals(0, sum(t, 0, t.length), signature + " checksum");
            assertEquals(revisions.get(signature), u8(t, 8), signature + " revision");
            assertEquals("WSLX  WARPVM  ", ascii(t, 10, 14), signature + " OEM IDs");
            assertEquals(1, u32(t, 24));
            assertEquals("WARP", ascii(t, 28, 4));
            assertEquals(1, u32(t, 32));
        }
    }

    @Test
    void xsdtListsTheFadtAndTheMadt() {
        byte[] xsdt = table("XSDT");
        assertEquals(36 + 16, xsdt.length);
        assertEquals(image.tables().get("FACP"), u64(xsdt, 36));
        assertEquals(image.tables().get("APIC"), u64(xsdt, 44));
    }

    @Test
    void fadtIsHardwareReducedWithTheDsdtResetAndSleepRegisters() {
        byte[] fadt = table("FACP");
        assertEquals(276, fadt.length);
        long dsdt = image.tables().get("DSDT");
        assertEquals(0, u32(fadt, 36), "no FACS");
        assertEquals(dsdt, u32(fadt, 40));
        assertEquals(dsdt, u64(fadt, 140), "X_DSDT");
        assertEquals(0, u16(fadt, 46), "no SCI");
        assertEquals(0, u32(fadt, 56), "no PM1a event block");
        assertEquals(0, u32(fadt, 76), "no PM timer");
        assertEquals(1 << 2 | 1 << 5, u16(fadt, 109), "IAPC_BOOT_ARCH: no VGA, no CMOS RTC, no 8042");
        assertEquals(1 << 20 | 1 << 10, u32(fadt, 112), "HW_REDUCED_ACPI and RESET_REG_SUP");
        assertArrayEquals(Platforms.hex("01 08 00 01 6400000000000000"), Arrays.copyOfRange(fadt, 116, 128), "reset register: IO port 0x64");
        assertEquals(0xFE, u8(fadt, 128));
        assertEquals(3, u8(fadt, 131), "minor version");
        assertArrayEquals(new byte[96], Arrays.copyOfRange(fadt, 148, 244), "no X_PM or X_GPE blocks");
        assertArrayEquals(Platforms.hex("01 08 00 01 0006000000000000"), Arrays.copyOfRange(fadt, 244, 256), "sleep control: port 0x600");
        assertArrayEquals(Platforms.hex("01 08 00 01 0106000000000000"), Arrays.copyOfRange(fadt, 256, 268), "sleep status: port 0x601");
        assertEquals("WARP    ", ascii(fadt, 268, 8));
    }

    @Test
    void refusesARangeTheTablesDoNotFit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AcpiTables.build(Platforms.of(1, 1, false), BASE, 256));
        assertTrue(e.getMessage().matches("ACPI tables: \\d+ bytes do not fit the 256 bytes at 0xe0000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AcpiTables.build(Platforms.of(1, 1, false), BASE + 8, 0x20000));
    }

    @Test
    void theSamePlatformGivesTheSameBytes() {
        assertArrayEquals(image.bytes(), AcpiTables.build(Platforms.of(2, 3, true), BASE, 0x20000).bytes());
    }
}
