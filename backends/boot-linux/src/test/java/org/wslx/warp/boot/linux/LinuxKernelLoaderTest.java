package org.wslx.warp.boot.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.boot.BootException;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.boot.EntryState;
import org.wslx.warp.boot.GuestLayout;
import org.wslx.warp.boot.MemoryRange;

class LinuxKernelLoaderTest {
    private static final long MIB = 1 << 20;
    private final LinuxBootProtocol method = new LinuxBootProtocol();

    @TempDir
    Path dir;

    /** RAM below the PC hole and from 1 MiB to {@code mib}, plus the virtio-mmio window, as the monitor offers them. */
    static GuestLayout layout(long mib) {
        return new GuestLayout(List.of(new MemoryRange(0, 0x9F000, "RAM"), new MemoryRange(MIB, mib * MIB - MIB, "RAM")),
                List.of(new MemoryRange(0xFEB00000L, 0x1000, "virtio-mmio window")));
    }

    /** A 20 KiB bzImage: 27 setup sectors + the boot sector, then 6 KiB of "protected-mode kernel". */
    static byte[] bzImage(int xloadflags) {
        ByteBuffer b = ByteBuffer.allocate(20 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0x1F1; i < b.limit(); i++) {
            b.put(i, (byte) (i * 13));
        }
        b.put(0x1F1, (byte) 27);
        b.putShort(0x1FE, (short) 0xAA55);
        b.put(0x200, (byte) 0xEB).put(0x201, (byte) 0x6A);
        b.putInt(0x202, 0x53726448);
        b.putShort(0x206, (short) 0x020F);
        b.putShort(0x20E, (short) 0);
        b.put(0x210, (byte) 0);
        b.put(0x211, (byte) 0x01);
        b.putInt(0x218, 0).putInt(0x21C, 0).putInt(0x228, 0);
        b.putInt(0x22C, 0x7FFFFFFF);
        b.putInt(0x230, 0x200000);
        b.put(0x234, (byte) 1);
        b.putShort(0x236, (short) xloadflags);
        b.putInt(0x238, 2047);
        b.putLong(0x258, 0x1000000);
        b.putInt(0x260, 0x800000);
        return b.array();
    }

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

    @Test
    void loadsTheProtectedModeKernelAtOneMibAndEntersAt0x200() throws Exception {
        byte[] image = bzImage(0x7F);
        GuestLayout layout = layout(64);
        InMemoryGuest guest = new InMemoryGuest(layout);
        EntryState s = method.load(new BootPayload("linux", file("bzImage", image), List.of(), "console=ttyS0"), guest, layout);
        assertArrayEquals(Arrays.copyOfRange(image, 28 * 512, image.length), guest.range(0x100000, image.length - 28 * 512));
        assertEquals(0x100200, s.rip());
        assertEquals(0x8000, s.rsi());
        assertEquals(0, s.rbx());
        assertEquals(0x10000, s.rsp());
        assertEquals(0x80010033L, s.cr0());
        assertEquals(0x1000, s.cr3());
        assertEquals(0x10, s.codeSelector());
        assertEquals(0x18, s.dataSelector());
        assertEquals(0x00AF9B000000FFFFL, guest.u64(0x7010));
        assertEquals(0x00CF93000000FFFFL, guest.u64(0x7018));
        assertEquals(0x83, guest.u64(0x3000));
    }

    @Test
    void writesTheZeroPageFromTheSetupHeader() throws Exception {
        byte[] image = bzImage(0x7F);
        GuestLayout layout = layout(64);
        InMemoryGuest guest = new InMemoryGuest(layout);
        byte[] initrdA = pattern(5001, 1);
        byte[] initrdB = pattern(300, 2);
        method.load(new BootPayload("linux", file("bzImage", image), List.of(file("a.cpio", initrdA), file("b.cpio", initrdB)),
                "console=ttyS0 root=/dev/vda"), guest, layout);
        long zp = 0x8000;
        // Setup header: 0x1F1 up to 0x202 + 0x6A copied as is, except the fields the loader owns.
        byte[] header = guest.range(zp + 0x1F1, 0x26C - 0x1F1);
        byte[] expected = Arrays.copyOfRange(image, 0x1F1, 0x26C);
        ByteBuffer e = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
        e.put(0x210 - 0x1F1, (byte) 0xFF);
        long initrdSize = 5004 + 300;
        long initrdAt = (64 * MIB - initrdSize) & ~4095L;
        e.putInt(0x218 - 0x1F1, (int) initrdAt).putInt(0x21C - 0x1F1, (int) initrdSize).putInt(0x228 - 0x1F1, 0x20000);
        assertArrayEquals(expected, header);
        assertArrayEquals(new byte[0x1F1 - 0x1E9], guest.range(zp + 0x1E9, 0x1F1 - 0x1E9), "before the header");
        assertEquals(0, guest.u64(zp + 0x26C) & 0xFFFFFFFFL, "after the header");
        assertEquals(0, guest.u32(zp + 0xC0));
        assertEquals(0, guest.u32(zp + 0xC4));
        assertEquals(0, guest.u32(zp + 0xC8));

        byte[] cmdline = "console=ttyS0 root=/dev/vda".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(cmdline, guest.range(0x20000, cmdline.length));
        assertEquals(0, guest.range(0x20000 + cmdline.length, 1)[0]);

        // Initrds back to back, the second on a four-byte boundary, as high as RAM allows.
        assertArrayEquals(initrdA, guest.range(initrdAt, 5001));
        assertArrayEquals(new byte[3], guest.range(initrdAt + 5001, 3));
        assertArrayEquals(initrdB, guest.range(initrdAt + 5004, 300));

        assertEquals(3, guest.range(zp + 0x1E8, 1)[0]);
        long[][] e820 = {{0, 0x9F000, 1}, {MIB, 63 * MIB, 1}, {0xFEB00000L, 0x1000, 2}};
        for (int i = 0; i < e820.length; i++) {
            long at = zp + 0x2D0 + i * 20L;
            assertEquals(e820[i][0], guest.u64(at), "e820 " + i + " addr");
            assertEquals(e820[i][1], guest.u64(at + 8), "e820 " + i + " size");
            assertEquals(e820[i][2], guest.u32(at + 16), "e820 " + i + " type");
        }
        assertEquals(0, guest.u64(zp + 0x2D0 + 60));
        assertEquals(0, guest.u64(zp + 0x070), "no ACPI tables, no acpi_rsdp_addr");
    }

    /** As WARP's monitor offers it: its ACPI tables in a reserved range at 0xE0000 below 1 MiB. */
    static GuestLayout layoutWithAcpi(long mib) {
        return new GuestLayout(List.of(new MemoryRange(0, 0xE0000, "RAM"), new MemoryRange(MIB, mib * MIB - MIB, "RAM")),
                List.of(new MemoryRange(0xE0000, 0x20000, "ACPI tables"), new MemoryRange(0xFEB00000L, 0x1000, "virtio-mmio window")),
                0xE0000);
    }

    @Test
    void pointsTheKernelAtTheAcpiTablesAndReservesThemInE820() throws Exception {
        GuestLayout layout = layoutWithAcpi(64);
        InMemoryGuest guest = new InMemoryGuest(layout);
        method.load(new BootPayload("linux", file("bzImage", bzImage(0x7F)), List.of(), "console=ttyS0"), guest, layout);
        long zp = 0x8000;
        assertEquals(0xE0000L, guest.u64(zp + 0x070));
        assertEquals(4, guest.range(zp + 0x1E8, 1)[0]);
        long[][] e820 = {{0, 0x9F000, 1}, {0xE0000, 0x20000, 2}, {MIB, 63 * MIB, 1}, {0xFEB00000L, 0x1000, 2}};
        for (int i = 0; i < e820.length; i++) {
            long at = zp + 0x2D0 + i * 20L;
            assertEquals(e820[i][0], guest.u64(at), "e820 " + i + " addr");
            assertEquals(e820[i][1], guest.u64(at + 8), "e820 " + i + " size");
            assertEquals(e820[i][2], guest.u32(at + 16), "e820 " + i + " type");
        }
    }

    @Test
    void aLayoutRefusesAnRsdpOutsideItsReservedRanges() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GuestLayout(
                List.of(new MemoryRange(0, 0x100000, "RAM")), List.of(new MemoryRange(0xFEB00000L, 0x1000, "virtio-mmio window")), 0xE0000));
        assertTrue(e.getMessage().contains("ACPI RSDP at 0xe0000 does not lie inside one of the reserved ranges"), e.getMessage());
    }

    @Test
    void keepsTheInitrdBelowInitrdAddrMax() throws Exception {
        byte[] image = bzImage(0x7F);
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(0x22C, 0x1FFFFFF);
        GuestLayout layout = layout(128);
        InMemoryGuest guest = new InMemoryGuest(layout);
        method.load(new BootPayload("linux", file("bzImage", image), List.of(file("i", new byte[8192])), ""), guest, layout);
        assertEquals(0x2000000 - 8192, guest.u32(0x8000 + 0x218));
    }

    @Test
    void loadsAVmlinuxAtItsSegmentsWithASynthesizedHeader() throws Exception {
        ByteBuffer elf = ByteBuffer.allocate(64 + 56 + 0x800).order(ByteOrder.LITTLE_ENDIAN);
        elf.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        elf.putShort(16, (short) 2).putShort(18, (short) 62).putInt(20, 1).putLong(24, 0x1000000).putLong(32, 64);
        elf.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
        elf.putInt(64, 1).putInt(68, 5).putLong(72, 120).putLong(80, 0xFFFFFFFF81000000L).putLong(88, 0x1000000)
                .putLong(96, 0x800).putLong(104, 0x4000);
        byte[] code = pattern(0x800, 9);
        elf.put(120, code);
        GuestLayout layout = layout(64);
        InMemoryGuest guest = new InMemoryGuest(layout);
        guest.fill(0x1000800, 0x1004000, (byte) 0x55);
        EntryState s = method.load(new BootPayload("linux", file("vmlinux", elf.array()), List.of(file("i", new byte[100])), "quiet"),
                guest, layout);
        assertEquals(0x1000000, s.rip());
        assertEquals(0x8000, s.rsi());
        assertArrayEquals(code, guest.range(0x1000000, 0x800));
        assertArrayEquals(new byte[0x3800], guest.range(0x1000800, 0x3800));
        long zp = 0x8000;
        assertEquals((short) 0xAA55, (short) guest.u32(zp + 0x1FE));
        assertEquals(0x53726448, guest.u32(zp + 0x202));
        assertEquals(0x020C, guest.u32(zp + 0x206) & 0xFFFF);
        assertEquals((byte) 0xFF, guest.range(zp + 0x210, 1)[0]);
        assertEquals(1, guest.range(zp + 0x211, 1)[0]);
        assertEquals(0x20000, guest.u32(zp + 0x228));
        assertEquals(2047, guest.u32(zp + 0x238));
        assertEquals((64 * MIB - 4096), guest.u32(zp + 0x218) & 0xFFFFFFFFL);
        assertEquals(100, guest.u32(zp + 0x21C));
    }

    private String loadError(Path kernel, List<Path> initrds, String cmdline, GuestLayout layout) {
        BootException e = assertThrows(BootException.class,
                () -> method.load(new BootPayload("linux", kernel, initrds, cmdline), new InMemoryGuest(layout), layout));
        return e.getMessage().replace(kernel.toString(), "K");
    }

    @Test
    void aMalformedVmlinuxIsNamedOnceByItsPath() throws Exception {
        ByteBuffer elf = ByteBuffer.allocate(100).order(ByteOrder.LITTLE_ENDIAN);
        elf.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        elf.putShort(16, (short) 2).putShort(18, (short) 62).putInt(20, 1).putLong(24, 0x1000000).putLong(32, 64);
        elf.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 1);
        String error = loadError(file("vmlinux", elf.array()), List.of(), "", layout(64));
        assertTrue(error.startsWith("kernel 'K': is truncated: it ends before "), error);
    }

    @Test
    void rejectsABzImageWithout64BitEntry() throws Exception {
        assertEquals("kernel 'K': the bzImage has no 64-bit entry point (xloadflags bit XLF_KERNEL_64 is clear)",
                loadError(file("k", bzImage(0)), List.of(), "", layout(64)));
    }

    @Test
    void rejectsAFileThatIsNeitherBzImageNorElf() throws Exception {
        assertEquals("kernel 'K': no \"HdrS\" boot protocol signature at offset 0x202, so it is neither a bzImage nor an ELF64 vmlinux",
                loadError(file("k", new byte[8192]), List.of(), "", layout(64)));
    }

    @Test
    void rejectsAKernelThatNeedsMoreRamThanThereIs() throws Exception {
        assertEquals("kernel 'K': the kernel (loaded at 0x100000, decompressed to 0x1000000 with init_size 0x800000) lies outside "
                + "guest RAM [RAM [0x0, 0x9f000), RAM [0x100000, 0x1000000)]; give the machine more memory",
                loadError(file("k", bzImage(0x7F)), List.of(), "", layout(16)));
    }

    @Test
    void rejectsAnInitrdThatDoesNotFitAboveTheKernel() throws Exception {
        String m = loadError(file("k", bzImage(0x7F)), List.of(file("big", new byte[(int) (41 * MIB)])), "", layout(64));
        assertTrue(m.startsWith("kernel 'K': the initrds (42991616 bytes) do not fit in RAM between the kernel's end 0x1800000"), m);
    }

    @Test
    void rejectsACommandLineLongerThanTheKernelTakes() throws Exception {
        assertEquals("kernel 'K': the command line is 2048 bytes; the kernel takes at most 2047",
                loadError(file("k", bzImage(0x7F)), List.of(), "x".repeat(2048), layout(64)));
    }

    static Path cachedDebianKernel() throws IOException {
        Path kernels = Path.of(System.getProperty("user.home"), ".cache", "wslx-warp", "kernels");
        if (Files.isDirectory(kernels)) {
            try (DirectoryStream<Path> versions = Files.newDirectoryStream(kernels)) {
                for (Path version : versions) {
                    if (Files.isRegularFile(version.resolve("vmlinuz"))) {
                        return version.resolve("vmlinuz");
                    }
                }
            }
        }
        System.out.println("skipped: no Debian kernel at " + kernels + "/*/vmlinuz (personalities/linux/guest/fetch-kernel.sh fetches it)");
        return null;
    }

    @Test
    void loadsTheRealDebianKernelByItsOwnHeader() throws Exception {
        Path kernel = cachedDebianKernel();
        Assumptions.assumeTrue(kernel != null, "no Debian kernel cached");
        byte[] image = Files.readAllBytes(kernel);
        ByteBuffer h = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int setupBytes = ((image[0x1F1] & 0xFF) + 1) * 512;
        int headerEnd = 0x202 + (image[0x201] & 0xFF);
        long initSize = Integer.toUnsignedLong(h.getInt(0x260));
        GuestLayout layout = layout(256);
        InMemoryGuest guest = new InMemoryGuest(layout);
        byte[] initrd = pattern(1 << 20, 5);
        EntryState s = method.load(new BootPayload("linux", kernel, List.of(file("initrd", initrd)), "console=ttyS0"), guest, layout);

        assertEquals(0x100200, s.rip());
        assertArrayEquals(Arrays.copyOfRange(image, setupBytes, image.length), guest.range(0x100000, image.length - setupBytes));
        byte[] zpHeader = guest.range(0x8000 + 0x1F1, headerEnd - 0x1F1);
        ByteBuffer expected = ByteBuffer.wrap(Arrays.copyOfRange(image, 0x1F1, headerEnd)).order(ByteOrder.LITTLE_ENDIAN);
        long initrdAt = (256 * MIB - initrd.length) & ~4095L;
        expected.put(0x210 - 0x1F1, (byte) 0xFF).putInt(0x218 - 0x1F1, (int) initrdAt).putInt(0x21C - 0x1F1, initrd.length)
                .putInt(0x228 - 0x1F1, 0x20000);
        assertArrayEquals(expected.array(), zpHeader);
        assertTrue(initrdAt >= 0x1000000 + initSize, "initrd above the decompressed kernel");
        assertArrayEquals(initrd, guest.range(initrdAt, initrd.length));
        System.out.println("real kernel " + kernel + ": header [0x1f1, 0x" + Integer.toHexString(headerEnd) + "), init_size 0x"
                + Long.toHexString(initSize) + ", initrd at 0x" + Long.toHexString(initrdAt));
    }
}
