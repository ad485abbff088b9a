package org.wslx.warp.boot.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.boot.BootException;
import org.wslx.warp.boot.KernelDescription;

class LinuxBootProtocolTest {
    private final LinuxBootProtocol method = new LinuxBootProtocol();

    @TempDir
    Path dir;

    /** Builds the first 16 KiB of a bzImage with the given protocol version and flags. */
    private static byte[] syntheticBzImage(int protocol, int xloadflags, String version) {
        ByteBuffer b = ByteBuffer.allocate(16 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1F1, (byte) 27);
        b.putShort(0x1FE, (short) 0xAA55);
        b.putInt(0x202, 0x53726448);
        b.putShort(0x206, (short) protocol);
        int versionAt = 0x3000;
        b.putShort(0x20E, (short) (versionAt - 0x200));
        b.put(0x211, (byte) 0x81);
        b.putInt(0x230, 0x200000);
        b.put(0x234, (byte) 1);
        b.putShort(0x236, (short) xloadflags);
        b.putInt(0x238, 2047);
        b.putInt(0x260, 0x1234000);
        b.put(versionAt, version.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void describesASyntheticBzImage() throws Exception {
        Path kernel = write("vmlinuz", syntheticBzImage(0x020F, 0x7F, "6.1.0-test (builder@host) #1 SMP"));
        KernelDescription d = method.inspect(kernel);
        assertEquals("linux", d.bootMethod());
        assertEquals("bzImage", d.format());
        assertEquals("6.1.0-test (builder@host) #1 SMP", d.version());
        assertEquals("2.15", d.details().get("protocol"));
        assertEquals("27", d.details().get("setup sectors"));
        assertEquals("true", d.details().get("relocatable"));
        assertEquals("true", d.details().get("64-bit entry"));
        assertEquals("true", d.details().get("loaded high"));
        assertEquals(Integer.toString(0x1234000), d.details().get("init size"));
    }

    @Test
    void reportsNo64BitEntryWhenXloadflagsLackIt() throws Exception {
        Path kernel = write("vmlinuz", syntheticBzImage(0x020C, 0x00, "x"));
        assertEquals("false", method.inspect(kernel).details().get("64-bit entry"));
    }

    @Test
    void rejectsAProtocolOlderThan206() throws Exception {
        Path kernel = write("old", syntheticBzImage(0x0204, 0, "2.4.0"));
        BootException e = assertThrows(BootException.class, () -> method.inspect(kernel));
        assertEquals("kernel '" + kernel + "': boot protocol 2.04 is too old; version 2.06 or later is required",
                e.getMessage());
    }

    @Test
    void rejectsAFileWithoutTheSignature() throws Exception {
        Path kernel = write("junk", new byte[4096]);
        BootException e = assertThrows(BootException.class, () -> method.inspect(kernel));
        assertTrue(e.getMessage().startsWith("kernel '" + kernel + "': no \"HdrS\""), e.getMessage());
    }

    @Test
    void rejectsATooShortFile() throws Exception {
        Path kernel = write("short", new byte[100]);
        BootException e = assertThrows(BootException.class, () -> method.inspect(kernel));
        assertTrue(e.getMessage().contains("too short") && e.getMessage().contains("100 bytes"), e.getMessage());
    }

    @Test
    void rejectsAMissingFile() {
        Path kernel = dir.resolve("absent");
        BootException e = assertThrows(BootException.class, () -> method.inspect(kernel));
        assertEquals("kernel '" + kernel + "': file does not exist", e.getMessage());
    }

    @Test
    void rejectsADirectory() {
        BootException e = assertThrows(BootException.class, () -> method.inspect(dir));
        assertTrue(e.getMessage().endsWith("not a regular file"), e.getMessage());
    }

    private static byte[] syntheticElf(int elfClass, int machine, long entry) {
        ByteBuffer b = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', (byte) elfClass, 1, 1});
        b.putShort(16, (short) 2);
        b.putShort(18, (short) machine);
        b.putLong(24, entry);
        b.putShort(56, (short) 5);
        b.put(5000, "Linux version 6.1.0-elf (b@h) #1 SMP\n".getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    @Test
    void describesAnElf64Vmlinux() throws Exception {
        Path kernel = write("vmlinux", syntheticElf(2, 0x3E, 0x1000000L));
        KernelDescription d = method.inspect(kernel);
        assertEquals("ELF64 vmlinux", d.format());
        assertEquals("6.1.0-elf (b@h) #1 SMP", d.version());
        assertEquals("0x1000000", d.details().get("entry"));
        assertEquals("executable", d.details().get("ELF type"));
    }

    @Test
    void rejectsA32BitElfAndAForeignMachine() throws Exception {
        Path elf32 = write("vmlinux32", syntheticElf(1, 0x3E, 0));
        assertTrue(assertThrows(BootException.class, () -> method.inspect(elf32)).getMessage()
                .endsWith("it is a 32-bit ELF file, not ELF64"));
        Path arm = write("vmlinux-arm", syntheticElf(2, 0xB7, 0));
        assertTrue(assertThrows(BootException.class, () -> method.inspect(arm)).getMessage()
                .contains("ELF machine is 0xb7, not x86-64"));
    }

    @Test
    void describesTheRealDebianKernelWhenCached() throws Exception {
        Path found = LinuxKernelLoaderTest.cachedDebianKernel();
        Assumptions.assumeTrue(found != null, "no Debian kernel cached");
        KernelDescription d = method.inspect(found);
        System.out.println("real kernel " + found + ": " + d);
        assertEquals("bzImage", d.format());
        assertTrue(d.version().matches("\\d+\\.\\d+\\.\\d+-.* \\(.*@.*\\) #\\d+ SMP.*"), d.version());
        assertEquals("true", d.details().get("64-bit entry"));
        assertEquals("true", d.details().get("relocatable"));
        assertTrue(d.details().get("protocol").compareTo("2.12") >= 0, d.details().get("protocol"));
    }
}
