package org.wslx.warp.vmm.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

/** The boot tables byte by byte, as integration-contracts/boot/ELF64-DIRECT-BOOT.md §3 lists them. */
class BootTablesTest {
    private final ByteBuffer image = ByteBuffer.wrap(BootTables.image()).order(ByteOrder.LITTLE_ENDIAN);

    private long at(long guestPhysical) {
        return image.getLong((int) (guestPhysical - BootTables.PML4));
    }

    @Test
    void identityMapsFourGibInTwoMibSupervisorPages() {
        assertEquals(0x7020 - 0x1000, image.capacity());
        assertEquals(0x2007, at(0x1000), "PML4[0] -> PDPT; upper levels allow everything, the leaf decides");
        for (int i = 1; i < 512; i++) {
            assertEquals(0, at(0x1000 + 8L * i), "PML4[" + i + "]");
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(0x3007 + 0x1000L * i, at(0x2000 + 8L * i), "PDPT[" + i + "]");
        }
        assertEquals(0, at(0x2020));
        for (int gib = 0; gib < 4; gib++) {
            for (int e = 0; e < 512; e++) {
                long physical = ((long) gib << 30) + ((long) e << 21);
                assertEquals(physical | 0x83, at(0x3000 + 0x1000L * gib + 8L * e), "2 MiB page at 0x" + Long.toHexString(physical));
            }
        }
    }

    @Test
    void holdsTheLinuxBootGdt() {
        assertEquals(0, at(0x7000));
        assertEquals(0, at(0x7008));
        assertEquals(0x00AF9B000000FFFFL, at(0x7010), "__BOOT_CS: 64-bit code, DPL 0");
        assertEquals(0x00CF93000000FFFFL, at(0x7018), "__BOOT_DS: flat data");
        assertEquals(31, BootTables.GDT_LIMIT);
    }

    @Test
    void everyCallGetsItsOwnCopy() {
        byte[] a = BootTables.image();
        a[0] = 0x55;
        assertNotSame(a, BootTables.image());
        assertEquals(0x07, BootTables.image()[0]);
    }

    @Test
    void aByteImageRefusesWritesOutsideIt() {
        TableMemory image = TableMemory.image(0x1000, new byte[0x1000]);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> image.writeU64(0x1FFC, 1));
        assertEquals("[0x1ffc, +8) is outside the table image [0x1000, 0x2000)", e.getMessage());
        IllegalArgumentException full = assertThrows(IllegalArgumentException.class,
                () -> new PageTableBuilder(image, 0x1000, 0x2000));
        assertEquals("page-table area [0x1000, 0x3000) is not inside the table image [0x1000, 0x2000)", full.getMessage());
    }
}
