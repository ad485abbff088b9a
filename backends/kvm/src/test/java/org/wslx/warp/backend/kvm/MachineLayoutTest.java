package org.wslx.warp.backend.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.wslx.warp.backend.kvm.acpi.AcpiImage;
import org.wslx.warp.boot.GuestLayout;
import org.wslx.warp.boot.MemoryRange;

class MachineLayoutTest {
    @Test
    void theAcpiTablesAreBackedByMemoryButReservedForTheGuest() {
        GuestLayout layout = MachineLayout.of(256);
        assertEquals(List.of(new MemoryRange(0, 0xE0000, "RAM"), new MemoryRange(0x100000, 255L << 20, "RAM")), layout.ram());
        assertEquals(List.of(new MemoryRange(0xE0000, 0x20000, "ACPI tables"), new MemoryRange(0xFEB00000L, 0x1000, "virtio-mmio window")),
                layout.reserved());
        assertEquals(0xE0000, layout.acpiRsdp());
        assertEquals(List.of(new MemoryRange(0, 256L << 20, "guest memory")), MachineLayout.memory(256));
    }

    @Test
    void memoryBeyondTheHoleContinuesAtFourGib() {
        GuestLayout layout = MachineLayout.of(4096);
        assertEquals(new MemoryRange(1L << 32, 1L << 30, "RAM above 4 GiB"), layout.ram().get(2));
        assertEquals(List.of(new MemoryRange(0, 0xC0000000L, "guest memory"), new MemoryRange(1L << 32, 1L << 30, "guest memory above 4 GiB")),
                MachineLayout.memory(4096));
    }

    @Test
    void theTablesDescribeTheConsoleEachDiskComOneAndEveryVcpu() {
        AcpiImage image = MachineAcpi.tables(2, 2);
        assertEquals(0xE0000, image.rsdp());
        int madt = (int) (image.tables().get("APIC") - image.base());
        // Two local APICs after the 44-byte MADT header.
        assertArrayEquals(new byte[] {0, 8, 0, 0, 1, 0, 0, 0, 0, 8, 1, 1, 1, 0, 0, 0},
                java.util.Arrays.copyOfRange(image.bytes(), madt + 44, madt + 60));
        int at = (int) (image.tables().get("DSDT") - image.base());
        String dsdt = new String(image.bytes(), at, image.bytes().length - at, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(3, dsdt.split("LNRO0005", -1).length - 1, "console and two disks");
        assertEquals(1, dsdt.split("COM1", -1).length - 1);
        assertEquals(-1, dsdt.indexOf("VR03"));
    }
}
