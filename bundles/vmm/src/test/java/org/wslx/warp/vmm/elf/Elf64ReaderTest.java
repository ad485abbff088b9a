package org.wslx.warp.vmm.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Elf64ReaderTest {
    private static final byte[] CODE = { (byte) 0x90, (byte) 0x90, (byte) 0xc3 };
    private static final byte[] DATA = { 1, 2, 3, 4, 5, 6, 7, 8 };

    private static TestElfBuilder twoSegments() {
        return new TestElfBuilder()
                .segment(0x400000, CODE, CODE.length, ElfSegment.PF_R | ElfSegment.PF_X)
                .segment(0x401000, DATA, 0x2000, ElfSegment.PF_R | ElfSegment.PF_W)
                .symbol("warp_fn_sum", 0x400000, ElfSymbol.STT_FUNC)
                .symbol("table", 0x401000, ElfSymbol.STT_OBJECT)
                .entry(0x400001);
    }

    @Test
    void readsSegmentsEntryAndSymbols(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("good.elf");
        Files.write(file, twoSegments().build());
        Elf64Image image = Elf64Reader.read(file);

        assertEquals("good.elf", image.name());
        assertEquals(0x400001, image.entryPoint());
        assertEquals(2, image.segments().size());
        ElfSegment code = image.segments().get(0);
        assertTrue(code.executable() && code.readable() && !code.writable());
        ElfSegment data = image.segments().get(1);
        assertEquals(0x401000, data.physicalAddress());
        assertEquals(DATA.length, data.fileSize());
        assertEquals(0x2000, data.memorySize());
        assertTrue(data.writable() && !data.executable());
        ByteBuffer bytes = image.fileBytes(data);
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        assertArrayEquals(DATA, copy);
        assertEquals(0x400000, image.lowestAddress());
        assertEquals(0x403000, image.highestEnd());

        ElfSymbol sum = image.symbol("warp_fn_sum").orElseThrow();
        assertTrue(sum.isFunction());
        assertEquals(0x400000, sum.value());
        assertFalse(image.symbol("table").orElseThrow().isFunction());
        assertTrue(image.symbol("missing").isEmpty());
        image.requireWithin(0, 0x800000);
    }

    @Test
    void rejectsAFileThatIsNotElf() {
        ElfFormatException e = assertThrows(ElfFormatException.class,
                () -> Elf64Reader.read("notes.txt", "hello, world".getBytes()));
        assertEquals("guest image 'notes.txt' is not an ELF file (no \\x7fELF magic)", e.getMessage());
    }

    @Test
    void rejectsElf32() {
        byte[] file = twoSegments().build();
        file[4] = 1;
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> Elf64Reader.read("i386.elf", file));
        assertEquals("guest image 'i386.elf' is not ELF64 (class 1, ELF32)", e.getMessage());
    }

    @Test
    void theReasonLeavesOutTheImageNameForCallersThatNameTheFileThemselves() throws Exception {
        assertEquals("is not an ELF file (no \\x7fELF magic)",
                assertThrows(ElfFormatException.class, () -> Elf64Reader.read("notes.txt", "hello".getBytes())).reason());
        ElfFormatException outside = assertThrows(ElfFormatException.class,
                () -> Elf64Reader.read("it's.elf", twoSegments().build()).requireWithin(0, 0x1000));
        assertTrue(outside.getMessage().startsWith("guest image 'it's.elf': segment 0 "), outside.getMessage());
        assertTrue(outside.reason().startsWith("segment 0 "), outside.reason());
        assertEquals("no image named here", new ElfFormatException("no image named here").reason());
    }

    @Test
    void rejectsOtherMachinesAndTypes() {
        ElfFormatException arm = assertThrows(ElfFormatException.class,
                () -> Elf64Reader.read("arm.elf", twoSegments().machine(183).build()));
        assertTrue(arm.getMessage().contains("machine 183, not x86-64"), arm.getMessage());
        ElfFormatException dyn = assertThrows(ElfFormatException.class,
                () -> Elf64Reader.read("pie.elf", twoSegments().type(3).build()));
        assertTrue(dyn.getMessage().contains("ELF type 3, not an executable"), dyn.getMessage());
    }

    @Test
    void rejectsTruncatedFilesAtEveryLength() {
        byte[] file = twoSegments().build();
        // Cutting anywhere inside the header, program headers or segment bytes must say "truncated";
        // cutting later loses only section data, which must also be reported, never an index error.
        for (int length = 5; length < file.length; length++) {
            byte[] cut = Arrays.copyOf(file, length);
            ElfFormatException e = assertThrows(ElfFormatException.class, () -> Elf64Reader.read("cut.elf", cut),
                    "length " + length);
            assertTrue(e.getMessage().startsWith("guest image 'cut.elf' is truncated: it ends before "),
                    e.getMessage());
        }
        ElfFormatException header = assertThrows(ElfFormatException.class,
                () -> Elf64Reader.read("cut.elf", Arrays.copyOf(file, 40)));
        assertEquals("guest image 'cut.elf' is truncated: it ends before the ELF header (40 of 64 bytes)",
                header.getMessage());
    }

    @Test
    void rejectsOverlappingSegments() {
        byte[] file = new TestElfBuilder()
                .segment(0x400000, CODE, 0x1000, ElfSegment.PF_R | ElfSegment.PF_X)
                .segment(0x400800, DATA, 0x1000, ElfSegment.PF_R | ElfSegment.PF_W)
                .build();
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> Elf64Reader.read("sum.elf", file));
        assertEquals("guest image 'sum.elf' segment 1 [0x400800, 0x401800) overlaps segment 0 [0x400000, 0x401000)",
                e.getMessage());
    }

    @Test
    void rejectsSegmentsOutsideGuestMemory() throws Exception {
        Elf64Image image = Elf64Reader.read("big.elf", new TestElfBuilder()
                .segment(0x400000, CODE, 0x1000, ElfSegment.PF_R | ElfSegment.PF_X)
                .segment(0x7ff000, DATA, 0x2000, ElfSegment.PF_R | ElfSegment.PF_W)
                .build());
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> image.requireWithin(0x10000, 0x800000));
        assertEquals("guest image 'big.elf': segment 1 [0x7ff000, 0x801000) lies outside guest memory "
                + "[0x10000, 0x800000)", e.getMessage());
        ElfFormatException low = assertThrows(ElfFormatException.class, () -> image.requireWithin(0x401000, 0x1000000));
        assertTrue(low.getMessage().contains("segment 0 [0x400000, 0x401000) lies outside"), low.getMessage());
    }

    @Test
    void rejectsSegmentsWhoseFileBytesExceedTheirMemory() {
        byte[] file = new TestElfBuilder().segment(0x400000, DATA, 4, ElfSegment.PF_R).build();
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> Elf64Reader.read("odd.elf", file));
        assertEquals("guest image 'odd.elf' segment 0 has more file bytes (8) than memory bytes (4)", e.getMessage());
    }

    @Test
    void rejectsAnImageWithoutLoadSegments() {
        ElfFormatException e = assertThrows(ElfFormatException.class,
                () -> Elf64Reader.read("empty.elf", new TestElfBuilder().build()));
        assertTrue(e.getMessage().contains("has no program headers"), e.getMessage());
    }
}
