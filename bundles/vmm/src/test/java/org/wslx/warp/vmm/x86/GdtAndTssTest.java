package org.wslx.warp.vmm.x86;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.wslx.warp.vmm.kvm.DescriptorTable;
import org.wslx.warp.vmm.kvm.Segment;
import org.wslx.warp.vmm.kvm.Sregs;
import org.wslx.warp.vmm.memory.GuestMemory;

/** The standard GDT, the TSS and the long-mode sregs, byte by byte. */
class GdtAndTssTest {
    @Test
    void standardGdtDescriptors() {
        GdtBuilder gdt = GdtBuilder.standard(0x1234_5678_9abc_d000L, 103);
        long[] d = gdt.descriptors();
        assertEquals(8, d.length);
        assertEquals(0, d[0]);
        assertEquals(0x00AF_9B00_0000_FFFFL, d[1], "kernel code: present, DPL 0, execute/read, L, G");
        assertEquals(0x00CF_9300_0000_FFFFL, d[2], "kernel data: present, DPL 0, read/write, D/B, G");
        assertEquals(0x00CF_FB00_0000_FFFFL, d[3], "user code32");
        assertEquals(0x00CF_F300_0000_FFFFL, d[4], "user data");
        assertEquals(0x00AF_FB00_0000_FFFFL, d[5], "user code64");
        assertEquals(0x9A00_89BC_D000_0067L, d[6], "TSS low: limit 0x67, base bits 0-31, type 9, present");
        assertEquals(0x1234_5678L, d[7], "TSS high: base bits 32-63");
        assertEquals(63, gdt.limit());
        assertEquals(0x08, GdtBuilder.KERNEL_CODE);
        assertEquals(0x2b, GdtBuilder.USER_CODE);
        assertEquals(0x23, GdtBuilder.USER_DATA);
        Segment tr = gdt.segment(GdtBuilder.TSS);
        assertEquals(0xB, tr.type(), "TR holds a busy TSS");
        assertEquals(0x1234_5678_9abc_d000L, tr.base());
        assertEquals(0x2b, gdt.segment(GdtBuilder.USER_CODE).selector());
        assertThrows(IllegalArgumentException.class, () -> gdt.segment(0x38), "upper half of the TSS");
        assertThrows(IllegalArgumentException.class, () -> gdt.segment(0));
    }

    @Test
    void gdtAndTssInGuestMemory() {
        try (GuestMemory memory = GuestMemory.builder().region(0, 0x10000).build()) {
            GdtBuilder gdt = GdtBuilder.standard(0x2000, 103);
            gdt.writeTo(memory, 0x1000);
            assertEquals(0x00AF_9B00_0000_FFFFL, memory.readU64(0x1008));
            assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFF, 0, 0, 0, (byte) 0xFB, (byte) 0xAF, 0},
                    memory.read(0x1028, 8));
            assertThrows(IllegalArgumentException.class, () -> gdt.writeTo(memory, 0x10000 - 8));

            memory.fill(0x2000, 0x3000, (byte) 0x77);
            Tss64Builder tss = new Tss64Builder().rsp0(0x1_2345_6780L).ist(1, 0x9000).allowPorts(0x3f8, 8);
            tss.writeTo(memory, 0x2000);
            assertEquals(104 + 8192 + 1, tss.size());
            assertEquals(0, memory.readU32(0x2000), "reserved");
            assertEquals(0x1_2345_6780L, memory.readU64(0x2004), "RSP0 at offset 4");
            assertEquals(0x9000, memory.readU64(0x2000 + 36), "IST1 at offset 36");
            assertEquals(104, memory.readU16(0x2000 + 102), "IO map base");
            assertEquals(0xFF, memory.readU8(0x2000 + 104 + 0x3f8 / 8 - 1));
            assertEquals(0x00, memory.readU8(0x2000 + 104 + 0x3f8 / 8), "ports 0x3f8-0x3ff allowed");
            assertEquals(0xFF, memory.readU8(0x2000 + 104 + 0x3f8 / 8 + 1));
            assertEquals(0xFF, memory.readU8(0x2000 + 104 + 8192), "terminating byte");
            Tss64Builder plain = new Tss64Builder();
            assertEquals(103, plain.limit());
        }
    }

    @Test
    void longModeSregsAtCpl0AndCpl3() {
        GdtBuilder gdt = GdtBuilder.standard(0x2000, 103);
        Sregs kernel = LongModeSregs.standard(new Sregs().apicBase(0xfee00900L), gdt, 0x1000, 0x10000, 0,
                new DescriptorTable(0, 0));
        assertEquals(0x80010033L, kernel.cr0(), "PE MP ET NE WP PG");
        assertEquals(0x620L, kernel.cr4(), "PAE OSFXSR OSXMMEXCPT");
        assertEquals(0xD00L, kernel.efer(), "LME LMA NXE");
        assertEquals(0x10000, kernel.cr3());
        assertEquals(0xfee00900L, kernel.apicBase(), "kept");
        assertEquals(0x08, kernel.cs().selector());
        assertTrue(kernel.cs().l());
        assertFalse(kernel.cs().db());
        assertEquals(0x10, kernel.ss().selector());
        assertEquals(new DescriptorTable(0x1000, 63), kernel.gdt());
        assertTrue(kernel.ldt().unusable());
        Sregs user = LongModeSregs.standard(new Sregs(), gdt, 0x1000, 0x10000, 3, new DescriptorTable(0, 0));
        assertEquals(3, user.cs().dpl());
        assertEquals(0x2b, user.cs().selector());
        assertEquals(0x23, user.ss().selector());
        assertEquals(3, user.ss().dpl());
        assertThrows(IllegalArgumentException.class,
                () -> LongModeSregs.standard(new Sregs(), gdt, 0x1000, 0x10000, 1, new DescriptorTable(0, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> LongModeSregs.of(new Sregs(), gdt, 0x1000, 0x10000, GdtBuilder.USER_CODE32, GdtBuilder.USER_DATA,
                        GdtBuilder.TSS, new DescriptorTable(0, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> LongModeSregs.of(new Sregs(), gdt, 0x1000, 0x10000, GdtBuilder.USER_CODE, GdtBuilder.KERNEL_DATA,
                        GdtBuilder.TSS, new DescriptorTable(0, 0)));
    }
}
