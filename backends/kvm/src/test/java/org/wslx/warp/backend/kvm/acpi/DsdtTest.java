package org.wslx.warp.backend.kvm.acpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.wslx.warp.backend.kvm.acpi.Platforms.hex;
import static org.wslx.warp.backend.kvm.acpi.Platforms.sum;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The DSDT's AML byte by byte, encoded here by hand from ACPI 6.x §20 and §6.4. */
class DsdtTest {
    /** Device (VR0n) with _HID "LNRO0005", _UID, _CCA One, _CRS {Memory32Fixed, Interrupt (Level, ActiveHigh)}. */
    static String virtioDevice(String pkgLength, String name, String uid, String base, String gsi, String checksum) {
        return "5B82" + pkgLength + name
                + "08 5F484944 0D 4C4E524F30303035 00"
                + "08 5F554944" + uid
                + "08 5F434341 01"
                + "08 5F435253 11 1A 0A 17"
                + "86 0900 01" + base + "00020000"
                + "89 0600 01 01" + gsi
                + "79" + checksum;
    }

    static final String S5 = "08 5C5F53355F 12 08 04 0A05 0A05 00 00";

    @Test
    void oneSlot() {
        byte[] expected = hex("10 4A04 5C5F53425F" + virtioDevice("4104", "56523030", "00", "0000B0FE", "05000000", "B1") + S5);
        assertArrayEquals(expected, Dsdt.aml(Platforms.of(1, 1, false)));
    }

    @Test
    void threeSlots() {
        // Scope: 5 name bytes + 67 + 67 + 68 (slot 2's _UID needs a BytePrefix) = 207 bytes of content, PkgLength 209.
        byte[] expected = hex("10 410D 5C5F53425F"
                + virtioDevice("4104", "56523030", "00", "0000B0FE", "05000000", "B1")
                + virtioDevice("4104", "56523031", "01", "0002B0FE", "06000000", "AE")
                + virtioDevice("4204", "56523032", "0A02", "0004B0FE", "07000000", "AB")
                + S5);
        assertArrayEquals(expected, Dsdt.aml(Platforms.of(1, 3, false)));
    }

    @Test
    void theUartComesFirstWithItsPortsAndIrq() {
        byte[] aml = Dsdt.aml(Platforms.of(1, 1, true));
        byte[] com1 = hex("5B82 31 434F4D31"
                + "08 5F484944 0C 41D00501"
                + "08 5F554944 01"
                + "08 5F435253 11 16 0A 13"
                + "47 01 F803 F803 01 08"
                + "89 0600 01 01 04000000"
                + "79 AB");
        // Scope: 5 name bytes + 51 (COM1) + 67 (VR00) = 123 bytes of content, so a two-byte PkgLength of 125.
        assertArrayEquals(hex("10 4D07 5C5F53425F"), Arrays.copyOfRange(aml, 0, 8));
        assertArrayEquals(com1, Arrays.copyOfRange(aml, 8, 8 + com1.length));
    }

    @Test
    void theTableWrapsTheAml() {
        byte[] dsdt = Dsdt.of(Platforms.of(1, 2, true));
        assertEquals(0, sum(dsdt, 0, dsdt.length));
        assertArrayEquals(Dsdt.aml(Platforms.of(1, 2, true)), Arrays.copyOfRange(dsdt, 36, dsdt.length));
    }

    @Test
    void everyResourceTemplateSumsToZero() {
        byte[] t = new ResourceTemplate().memory32Fixed(false, 0x1000, 0x10).interrupt(new AcpiPlatform.Interrupt(9, false, true)).bytes();
        assertEquals(0, sum(t, 0, t.length));
        assertArrayEquals(hex("86 0900 00 00100000 10000000 89 0600 07 01 09000000 79"), Arrays.copyOf(t, t.length - 1));
    }

    @Test
    void packageLengthsOfOneToFourBytes() {
        assertArrayEquals(hex("01"), Aml.packageLength(0));
        assertArrayEquals(hex("3F"), Aml.packageLength(62));
        assertArrayEquals(hex("4104"), Aml.packageLength(63));
        assertArrayEquals(hex("4FFF"), Aml.packageLength(0xFFF - 2));
        assertArrayEquals(hex("810001"), Aml.packageLength(0xFFF - 1));
        assertArrayEquals(hex("8F FF FF"), Aml.packageLength(0xFFFFF - 3));
        assertArrayEquals(hex("C1 00 00 01"), Aml.packageLength(0xFFFFF - 2));
        assertThrows(IllegalArgumentException.class, () -> Aml.packageLength(1 << 28));
    }

    @Test
    void namesIntegersStringsAndEisaIds() {
        assertArrayEquals(hex("5C 5F53425F"), Aml.nameString("\\_SB"));
        assertArrayEquals(hex("2E 5F53425F 56523030"), Aml.nameString("_SB.VR00"));
        assertArrayEquals(hex("5C 2F 03 5F53425F 50435230 49535041"), Aml.nameString("\\_SB.PCR0.ISPA"));
        assertThrows(IllegalArgumentException.class, () -> Aml.nameString("0ABC"));
        assertThrows(IllegalArgumentException.class, () -> Aml.nameString("TOOLONG"));
        assertArrayEquals(hex("00"), Aml.integer(0));
        assertArrayEquals(hex("01"), Aml.integer(1));
        assertArrayEquals(hex("0A FF"), Aml.integer(0xFF));
        assertArrayEquals(hex("0B 0001"), Aml.integer(0x100));
        assertArrayEquals(hex("0C 0000B0FE"), Aml.integer(0xFEB00000L));
        assertArrayEquals(hex("0E 0000000001000000"), Aml.integer(1L << 32));
        assertArrayEquals(hex("0D 414200"), Aml.string("AB"));
        assertArrayEquals(hex("0C 41D00501"), Aml.eisaId("PNP0501"));
        assertArrayEquals(hex("0C 41D00A03"), Aml.eisaId("PNP0A03"));
        assertThrows(IllegalArgumentException.class, () -> Aml.eisaId("pnp0501"));
    }
}
