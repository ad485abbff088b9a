package org.wslx.warp.personality.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NewcCpioWriterTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void writesHeadersNamesDataAndPaddingExactlyAsNewcDefinesThem() {
        byte[] archive = new NewcCpioWriter().directory("warp", 0755).file("warp/s", 0400, ascii("abcde")).finish();

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        // "warp": ino 1, mode 040755, nlink 2, namesize 5; 110 + 5 = 115 -> padded to 116
        expected.writeBytes(ascii("070701" + "00000001" + "000041ED" + "00000000" + "00000000" + "00000002"
                + "00000000" + "00000000" + "00000000" + "00000000" + "00000000" + "00000000" + "00000005"
                + "00000000" + "warp\0" + "\0"));
        // "warp/s": ino 2, mode 0100400, nlink 1, size 5, namesize 7; 110 + 7 = 117 -> 120; data 5 -> 8
        expected.writeBytes(ascii("070701" + "00000002" + "00008100" + "00000000" + "00000000" + "00000001"
                + "00000000" + "00000005" + "00000000" + "00000000" + "00000000" + "00000000" + "00000007"
                + "00000000" + "warp/s\0" + "\0\0\0" + "abcde" + "\0\0\0"));
        // trailer: namesize 11; 110 + 11 = 121 -> 124
        expected.writeBytes(ascii("070701" + "00000000" + "00000000" + "00000000" + "00000000" + "00000001"
                + "00000000" + "00000000" + "00000000" + "00000000" + "00000000" + "00000000" + "0000000B"
                + "00000000" + "TRAILER!!!\0" + "\0\0\0"));

        assertArrayEquals(expected.toByteArray(), archive);
        assertEquals(116 + 128 + 124, archive.length);
    }

    @Test
    void theSameEntriesAlwaysGiveTheSameBytes() {
        byte[] one = new NewcCpioWriter().file("a", 0644, ascii("x")).finish();
        byte[] two = new NewcCpioWriter().file("a", 0644, ascii("x")).finish();
        assertArrayEquals(one, two);
    }

    @Test
    void rejectsAbsoluteDuplicateAndLateEntries() {
        NewcCpioWriter writer = new NewcCpioWriter().file("a", 0644, new byte[0]);
        IllegalArgumentException absolute = assertThrows(IllegalArgumentException.class,
                () -> writer.file("/etc/passwd", 0644, new byte[0]));
        assertTrue(absolute.getMessage().contains("'/etc/passwd'"), absolute.getMessage());
        assertThrows(IllegalArgumentException.class, () -> writer.file("a", 0644, new byte[0]));
        writer.finish();
        assertThrows(IllegalStateException.class, () -> writer.directory("b", 0755));
    }

    @Test
    void gnuCpioExtractsWhatItWrites(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/cpio")), "GNU cpio is not installed at /usr/bin/cpio");
        byte[] archive = new NewcCpioWriter().directory("warp", 0755).file("warp/boot-secret", 0400, ascii("00ff"))
                .finish();
        Path file = dir.resolve("a.cpio");
        Files.write(file, archive);
        Process cpio = new ProcessBuilder("/usr/bin/cpio", "-i", "--quiet", "-F", file.toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        assertTrue(cpio.waitFor(30, TimeUnit.SECONDS));
        String output = new String(cpio.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, cpio.exitValue(), output);
        assertEquals("00ff", Files.readString(dir.resolve("warp/boot-secret")));
    }
}
