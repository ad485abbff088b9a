package org.wslx.warp.vmm.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wslx.warp.vmm.memory.GuestMemory;

/** Page tables checked entry by entry in real (memfd) guest memory. */
class PageTableBuilderTest {
    private static final long AREA = 0x10000;
    private GuestMemory memory;

    @BeforeEach
    void create() {
        memory = GuestMemory.builder().region(0, 4L << 20).build();
        memory.fill(AREA, 0x8000, (byte) 0x5A); // garbage the builder must clear
    }

    @AfterEach
    void close() {
        memory.close();
    }

    @Test
    void twoMegabytePagesWhereAlignedAndFourKilobytePagesElsewhere() {
        PageTableBuilder b = new PageTableBuilder(memory, AREA, 0x8000);
        b.identityMap(0, 2L << 20, PageFlags.KERNEL_RWX);
        b.map(0x200000, 0x300000, 0x2000, PageFlags.USER_DATA);
        assertEquals(AREA, b.root());
        assertEquals(4 * 4096, b.bytesUsed(), "PML4, PDPT, PD, one PT");
        // PML4[0] -> PDPT, PDPT[0] -> PD: present, writable, user (the leaf decides)
        assertEquals(0x11000L | 7, memory.readU64(AREA));
        assertEquals(0, memory.readU64(AREA + 8));
        assertEquals(0x12000L | 7, memory.readU64(0x11000));
        // PD[0]: 2 MiB page at 0, present | writable | page size
        assertEquals(0x83L, memory.readU64(0x12000));
        // PD[1] -> PT; PT[0], PT[1]: 4 KiB pages at 0x300000, 0x301000, present | writable | user | NX
        assertEquals(0x13000L | 7, memory.readU64(0x12000 + 8));
        assertEquals(0x8000_0000_0030_0007L, memory.readU64(0x13000));
        assertEquals(0x8000_0000_0030_1007L, memory.readU64(0x13000 + 8));
        assertEquals(0, memory.readU64(0x13000 + 16));
        for (long a = 0x13000 + 16; a < 0x14000; a += 8) {
            assertEquals(0, memory.readU64(a), "the rest of a new table is zero");
        }
    }

    @Test
    void readOnlyKernelCodeAndHigherTables() {
        PageTableBuilder b = new PageTableBuilder(memory, AREA, 0x8000).smallPagesOnly();
        b.map(512L << 30, 0x1000, 0x1000, PageFlags.KERNEL_CODE); // PML4 index 1
        b.identityMap(0x200000, 0x200000, PageFlags.USER_CODE); // small pages only: 512 PTEs
        long pdpt = memory.readU64(AREA + 8) & ~0xFFFL;
        long pd = memory.readU64(pdpt) & ~0xFFFL;
        long pt = memory.readU64(pd) & ~0xFFFL;
        assertEquals(0x1000L | 1, memory.readU64(pt), "present, read-only, supervisor, executable");
        long pd0 = memory.readU64(memory.readU64(AREA) & ~0xFFFL) & ~0xFFFL;
        long pt1 = memory.readU64(pd0 + 8) & ~0xFFFL;
        assertEquals(0x200000L | 5, memory.readU64(pt1));
        assertEquals(0x3ff000L | 5, memory.readU64(pt1 + 511 * 8));
    }

    @Test
    void doubleMappingsBadArgumentsAndAFullAreaAreErrors() {
        PageTableBuilder b = new PageTableBuilder(memory, AREA, 0x4000);
        b.identityMap(0, 2L << 20, PageFlags.KERNEL_RWX);
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> b.identityMap(0x1000, 0x1000, PageFlags.KERNEL_RWX));
        assertTrue(twice.getMessage().contains("0x1000 is already mapped"), twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.map(0x1001, 0, 0x1000, PageFlags.USER_DATA));
        assertThrows(IllegalArgumentException.class, () -> b.map(0, 0, 0, PageFlags.USER_DATA));
        assertThrows(IllegalArgumentException.class, () -> b.map(1L << 47, 0, 0x1000, PageFlags.USER_DATA));
        assertThrows(IllegalArgumentException.class, () -> b.map(-4096L, 0, 0x1000, PageFlags.USER_DATA));
        b.map(0x200000, 0x200000, 0x1000, PageFlags.USER_DATA); // takes the fourth and last table (a PT)
        IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> b.map(1L << 39, 0, 0x1000, PageFlags.USER_DATA));
        assertTrue(full.getMessage().contains("is full"), full.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PageTableBuilder(memory, 4L << 20, 0x1000));
    }
}
