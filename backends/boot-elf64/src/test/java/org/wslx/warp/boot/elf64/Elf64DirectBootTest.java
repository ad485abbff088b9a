package org.wslx.warp.boot.elf64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.boot.BootException;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.boot.EntryState;
import org.wslx.warp.boot.GuestLayout;
import org.wslx.warp.boot.KernelDescription;
import org.wslx.warp.boot.MemoryRange;

class Elf64DirectBootTest {
    private static final int RX = 5;
    private static final int RW = 6;
    /** 16 MiB of RAM below the PC hole and above it, and the virtio-mmio window as the monitor offers them. */
    private static final GuestLayout LAYOUT = new GuestLayout(
            List.of(new MemoryRange(0, 0x9F000, "RAM"), new MemoryRange(0x100000, 0xF00000, "RAM")),
            List.of(new MemoryRange(0xFEB00000L, 0x1000, "virtio-mmio window")));

    private final Elf64DirectBoot method = new Elf64DirectBoot();

    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    private Path kernel() throws IOException {
        return file("kernel.elf", new TestElf().entry(0x200010)
                .segment(0x200000, pattern(0x1234, 1), 0x1234, RX)
                .segment(0x202000, pattern(0x100, 2), 0x3000, RW).build());
    }

    @Test
    void loadsSegmentsAndZeroesTheirBss() throws Exception {
        InMemoryGuest guest = new InMemoryGuest(LAYOUT);
        guest.fill(0x200000, 0x210000, (byte) 0xEE);
        method.load(new BootPayload("elf64", kernel(), List.of(), ""), guest, LAYOUT);
        assertArrayEquals(pattern(0x1234, 1), guest.range(0x200000, 0x1234));
        assertArrayEquals(pattern(0x100, 2), guest.range(0x202000, 0x100));
        assertArrayEquals(new byte[0x3000 - 0x100], guest.range(0x202100, 0x3000 - 0x100));
        assertEquals((byte) 0xEE, guest.range(0x201234, 1)[0], "bytes between segments are not the loader's");
    }

    @Test
    void entersLongModeWithStartInfoInRbxAndRsi() throws Exception {
        EntryState s = method.load(new BootPayload("elf64", kernel(), List.of(), ""), new InMemoryGuest(LAYOUT), LAYOUT);
        assertEquals(0x200010, s.rip());
        assertEquals(0x7100, s.rbx());
        assertEquals(0x7100, s.rsi());
        assertEquals(0x2, s.rflags());
        assertEquals(0x80010033L, s.cr0());
        assertEquals(0x1000, s.cr3());
        assertEquals(0x620, s.cr4());
        assertEquals(0xD00, s.efer());
        assertEquals(0x7000, s.gdtBase());
        assertEquals(31, s.gdtLimit());
        assertEquals(0x10, s.codeSelector());
        assertEquals(0x18, s.dataSelector());
    }

    @Test
    void identityMapsFourGibInTwoMibPagesAndWritesTheLinuxBootGdt() throws Exception {
        InMemoryGuest guest = new InMemoryGuest(LAYOUT);
        method.load(new BootPayload("elf64", kernel(), List.of(), ""), guest, LAYOUT);
        assertEquals(0x2007, guest.u64(0x1000), "upper levels allow everything; the supervisor leaf decides");
        assertEquals(0, guest.u64(0x1008));
        for (int i = 0; i < 4; i++) {
            assertEquals(0x3007 + i * 0x1000, guest.u64(0x2000 + i * 8));
        }
        assertEquals(0, guest.u64(0x2020));
        assertEquals(0x83, guest.u64(0x3000));
        assertEquals(0x200083, guest.u64(0x3008));
        assertEquals(0x40000083L, guest.u64(0x4000));
        assertEquals(0xFFE00083L, guest.u64(0x6FF8));
        assertEquals(0, guest.u64(0x7000));
        assertEquals(0, guest.u64(0x7008));
        assertEquals(0x00AF9B000000FFFFL, guest.u64(0x7010));
        assertEquals(0x00CF93000000FFFFL, guest.u64(0x7018));
    }

    @Test
    void writesStartInfoMemmapCommandLineAndModule() throws Exception {
        InMemoryGuest guest = new InMemoryGuest(LAYOUT);
        byte[] first = pattern(5000, 3);
        byte[] second = pattern(123, 4);
        Path a = file("a.img", first);
        Path b = file("b.img", second);
        method.load(new BootPayload("elf64", kernel(), List.of(a, b), "console=ttyS0 warp=1"), guest, LAYOUT);

        assertEquals(0x336ec578, guest.u32(0x7100));
        assertEquals(1, guest.u32(0x7104));
        assertEquals(0, guest.u32(0x7108));
        assertEquals(1, guest.u32(0x710C));
        assertEquals(0x7200, guest.u64(0x7110));
        assertEquals(0x8000, guest.u64(0x7118));
        assertEquals(0, guest.u64(0x7120));
        assertEquals(0x7300, guest.u64(0x7128));
        assertEquals(3, guest.u32(0x7130));
        assertEquals(0, guest.u32(0x7134));

        // The image ends at 0x205000; the module starts there, 4 KiB aligned, and is both files back to back.
        assertEquals(0x205000, guest.u64(0x7200));
        assertEquals(5123, guest.u64(0x7208));
        assertEquals(0, guest.u64(0x7210));
        byte[] module = guest.range(0x205000, 5123);
        assertArrayEquals(first, Arrays.copyOf(module, 5000));
        assertArrayEquals(second, Arrays.copyOfRange(module, 5000, 5123));

        long[][] memmap = {{0, 0x9F000, 1}, {0x100000, 0xF00000, 1}, {0xFEB00000L, 0x1000, 2}};
        for (int i = 0; i < memmap.length; i++) {
            long at = 0x7300 + i * 24L;
            assertEquals(memmap[i][0], guest.u64(at), "memmap " + i + " addr");
            assertEquals(memmap[i][1], guest.u64(at + 8), "memmap " + i + " size");
            assertEquals(memmap[i][2], guest.u32(at + 16), "memmap " + i + " type");
            assertEquals(0, guest.u32(at + 20));
        }
        byte[] cmdline = "console=ttyS0 warp=1".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(cmdline, guest.range(0x8000, cmdline.length));
        assertEquals(0, guest.range(0x8000 + cmdline.length, 1)[0]);
    }

    @Test
    void withoutInitrdsThereIsNoModule() throws Exception {
        InMemoryGuest guest = new InMemoryGuest(LAYOUT);
        method.load(new BootPayload("elf64", kernel(), List.of(), ""), guest, LAYOUT);
        assertEquals(0, guest.u32(0x710C));
        assertEquals(0, guest.u64(0x7110));
    }

    @Test
    void cutsThePcHoleOutOfALayoutWhoseRamStartsAtZero() {
        GuestLayout flat = new GuestLayout(List.of(new MemoryRange(0, 0x4000000, "RAM")), List.of());
        assertEquals(List.of(new PvhStartInfo.Entry(0, 0x9F000, 1), new PvhStartInfo.Entry(0x100000, 0x3F00000, 1)),
                PvhStartInfo.memoryMap(flat));
    }

    @Test
    void describesTheKernel() throws Exception {
        KernelDescription d = method.inspect(kernel());
        assertEquals("elf64", d.bootMethod());
        assertEquals("ELF64", d.format());
        assertEquals("0x200010", d.details().get("entry"));
        assertEquals("[0x200000, 0x201234), [0x202000, 0x205000)", d.details().get("load segments"));
    }

    private String loadError(byte[] elf) throws IOException {
        Path k = file("bad.elf", elf);
        BootException e = assertThrows(BootException.class,
                () -> method.load(new BootPayload("elf64", k, List.of(), ""), new InMemoryGuest(LAYOUT), LAYOUT));
        return e.getMessage().replace(k.toString(), "K");
    }

    @Test
    void rejectsAFileThatIsNotElf() throws Exception {
        assertEquals("kernel 'K': is not an ELF file (no \\x7fELF magic)", loadError("MZ this is not a kernel".getBytes()));
    }

    @Test
    void rejectsElf32() throws Exception {
        assertEquals("kernel 'K': is not ELF64 (class 1, ELF32)",
                loadError(new TestElf().elfClass(1).entry(0x200000).segment(0x200000, new byte[16], 16, RX).build()));
    }

    @Test
    void rejectsAnotherMachine() throws Exception {
        assertEquals("kernel 'K': is built for machine 183, not x86-64 (EM_X86_64 = 62)",
                loadError(new TestElf().machine(183).entry(0x200000).segment(0x200000, new byte[16], 16, RX).build()));
    }

    @Test
    void rejectsOverlappingSegments() throws Exception {
        assertEquals("kernel 'K': segment 1 [0x200800, 0x201800) overlaps segment 0 [0x200000, 0x201000)",
                loadError(new TestElf().entry(0x200000).segment(0x200000, new byte[16], 0x1000, RX)
                        .segment(0x200800, new byte[16], 0x1000, RW).build()));
    }

    @Test
    void rejectsASegmentOutsideRam() throws Exception {
        assertEquals("kernel 'K': segment 1 [0xfff000, 0x1001000) lies outside guest RAM [RAM [0x0, 0x9f000), RAM [0x100000, 0x1000000)]",
                loadError(new TestElf().entry(0x200000).segment(0x200000, new byte[16], 16, RX)
                        .segment(0xFFF000, new byte[16], 0x2000, RW).build()));
    }

    @Test
    void rejectsASegmentOverTheBootTables() throws Exception {
        assertEquals("kernel 'K': segment 0 [0x9000, 0xa000) overlaps the boot tables the monitor writes at [0x0, 0x10000)",
                loadError(new TestElf().entry(0x9000).segment(0x9000, new byte[16], 0x1000, RX).build()));
    }

    @Test
    void rejectsAnEntryPointOutsideTheCode() throws Exception {
        assertEquals("kernel 'K': entry point 0x300000 is not inside an executable load segment (it is entered at its physical address)",
                loadError(new TestElf().entry(0x300000).segment(0x200000, new byte[16], 16, RX).build()));
    }

    @Test
    void rejectsACommandLineThatDoesNotFit() throws Exception {
        BootException e = assertThrows(BootException.class, () -> method.load(
                new BootPayload("elf64", kernel(), List.of(), "x".repeat(0x8000)), new InMemoryGuest(LAYOUT), LAYOUT));
        assertEquals("the command line is 32768 bytes; this boot method passes at most 32767",
                e.getMessage().substring(e.getMessage().indexOf("': ") + 3));
    }

    @Test
    void rejectsInitrdsThatDoNotFit() throws Exception {
        Path big = file("big.img", new byte[0x1000000]);
        BootException e = assertThrows(BootException.class, () -> method.load(
                new BootPayload("elf64", kernel(), List.of(big), ""), new InMemoryGuest(LAYOUT), LAYOUT));
        assertEquals(true, e.getMessage().contains("the initrds (16777216 bytes) do not fit in RAM at 0x205000"), e.getMessage());
    }

    @Test
    void rejectsAMissingKernel() {
        BootException e = assertThrows(BootException.class, () -> method.inspect(dir.resolve("none.elf")));
        assertEquals("kernel '" + dir.resolve("none.elf") + "': file does not exist or is not a regular file", e.getMessage());
    }
}
