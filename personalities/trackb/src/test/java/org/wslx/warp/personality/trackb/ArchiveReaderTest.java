package org.wslx.warp.personality.trackb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveReaderTest {
    @TempDir
    Path dir;

    private Path twoObjects() throws IOException {
        byte[] big = new byte[5000];
        Arrays.fill(big, (byte) 7);
        return TestImages.rawArchive(dir.resolve("a.warpb"), "manifest.json", "{}", false, "bin/x", big, true);
    }

    private String problem(Path file) {
        return assertThrows(ArchiveException.class, () -> ArchiveReader.open(file)).getMessage();
    }

    @Test
    void whatTheWriterWritesTheReaderReadsBack() throws Exception {
        byte[] big = new byte[5000];
        Arrays.fill(big, (byte) 7);
        Path file = TestImages.rawArchive(dir.resolve("a.warpb"), "manifest.json", "{}", false, "bin/x", big, true,
                "empty", new byte[0], false);
        ObjectArchive archive = ArchiveReader.open(file);
        assertEquals(Files.size(file), archive.archiveBytes());
        assertEquals(0, archive.archiveBytes() % 4096);
        assertEquals(List.of("manifest.json", "bin/x", "empty"), archive.entries().stream().map(ArchiveEntry::name).toList());
        ArchiveEntry x = archive.find("bin/x").orElseThrow();
        assertTrue(x.executable());
        assertEquals(0, x.offset() % 4096);
        assertArrayEquals(big, archive.read(x));
        assertEquals("{}", new String(archive.read(archive.find("manifest.json").orElseThrow()), StandardCharsets.UTF_8));
        assertFalse(archive.find("manifest.json").orElseThrow().executable());
        assertEquals(0, archive.read(archive.find("empty").orElseThrow()).length);
        // header + index fit in one page, then one page for the manifest and two for bin/x
        assertEquals(4 * 4096, archive.archiveBytes());
    }

    @Test
    void badMagic() throws IOException {
        Path file = twoObjects();
        TestImages.putBytes(file, 0, "NOTWARP!".getBytes(StandardCharsets.US_ASCII));
        assertEquals("archive 'a.warpb' does not start with the magic 'WARPOBJS': it is not a Track B archive", problem(file));
    }

    @Test
    void shorterThanAHeader() throws IOException {
        Path file = Files.write(dir.resolve("short.warpb"), "WARPOBJS".getBytes(StandardCharsets.US_ASCII));
        assertEquals("archive 'short.warpb' has 8 bytes, fewer than its 64-byte header: it is truncated or not a "
                + "Track B archive", problem(file));
    }

    @Test
    void truncated() throws IOException {
        Path file = twoObjects();
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 4096));
        assertEquals("archive 'a.warpb': the header says the archive has 16384 bytes but the file has 12288 bytes: "
                + "it is truncated or has trailing data", problem(file));
    }

    @Test
    void wrongFormatVersionAndCounts() throws IOException {
        Path file = twoObjects();
        TestImages.putInt(file, 8, 2);
        assertTrue(problem(file).contains("format version 2"));
        file = twoObjects();
        TestImages.putInt(file, 12, 0);
        assertEquals("archive 'a.warpb': object count 0 is outside 1 … 4096", problem(file));
        file = twoObjects();
        TestImages.putLong(file, 24, 1L << 40);
        assertTrue(problem(file).contains("the index size 1099511627776 cannot hold 2 entries"), problem(file));
        file = twoObjects();
        TestImages.putInt(file, 44, 1);
        assertEquals("archive 'a.warpb': reserved header byte 44 is not zero", problem(file));
    }

    @Test
    void objectPastTheEnd() throws IOException {
        Path file = twoObjects();
        long entry = TestImages.entryAt(file, 1);
        TestImages.putLong(file, entry + 8, Long.MAX_VALUE);
        assertEquals("archive 'a.warpb': object 'bin/x' at offset 8192 claims 9223372036854775807 bytes, past the end "
                + "of the archive (16384 bytes)", problem(file));
        TestImages.putLong(file, entry + 8, 10);
        TestImages.putLong(file, entry, 1L << 50);
        assertTrue(problem(file).contains("object 'bin/x' starts at 1125899906842624, which is not a page-aligned offset "
                + "inside the archive"), problem(file));
        TestImages.putLong(file, entry, 4100);
        assertTrue(problem(file).contains("starts at 4100"), problem(file));
    }

    @Test
    void overlappingObjects() throws IOException {
        Path file = twoObjects();
        long entry = TestImages.entryAt(file, 1);
        TestImages.putLong(file, entry, 4096);
        assertEquals("archive 'a.warpb': object 'bin/x' [4096, 9096) overlaps object 'manifest.json' [4096, 4098)",
                problem(file));
    }

    @Test
    void objectInsideTheIndex() throws IOException {
        Path file = twoObjects();
        TestImages.putLong(file, TestImages.entryAt(file, 0), 0);
        assertEquals("archive 'a.warpb': object 'manifest.json' at offset 0 overlaps the header and index, which end at 200",
                problem(file));
    }

    @Test
    void digestMismatch() throws IOException {
        Path file = twoObjects();
        TestImages.putBytes(file, 8192 + 100, new byte[] {8});
        String message = problem(file);
        assertTrue(message.startsWith("archive 'a.warpb': object 'bin/x' has SHA-256 "), message);
        assertTrue(message.endsWith(": the archive is corrupt"), message);
    }

    @Test
    void badNames() throws IOException {
        for (String[] bad : new String[][] {
                {"../etc", "the name has a '..' segment"},
                {"a//b", "the name has an empty path segment"},
                {"./x", "the name has a '.' segment"},
                {"sp ce", "the name has characters other than A-Z, a-z, 0-9, '.', '_', '-' and '/'"},
                {"/abs", "the name has an empty path segment"}}) {
            // The writer refuses such names, so write a good name of the same length and patch it.
            String good = "x".repeat(bad[0].length());
            Path file = TestImages.rawArchive(dir.resolve("n.warpb"), good, "data", false);
            TestImages.putBytes(file, TestImages.entryAt(file, 0) + 56, bad[0].getBytes(StandardCharsets.UTF_8));
            assertEquals("archive 'n.warpb': object '" + bad[0] + "' has an invalid name: " + bad[1], problem(file));
        }
        Path file = TestImages.rawArchive(dir.resolve("n.warpb"), "xx", "data", false);
        TestImages.putBytes(file, TestImages.entryAt(file, 0) + 56, new byte[] {(byte) 0xc3, (byte) 0x28});
        assertEquals("archive 'n.warpb': index entry 0 has a name that is not valid UTF-8", problem(file));
    }

    @Test
    void duplicateNames() throws IOException {
        Path file = TestImages.rawArchive(dir.resolve("d.warpb"), "aa", "1", false, "bb", "2", false);
        TestImages.putBytes(file, TestImages.entryAt(file, 1) + 56, "aa".getBytes(StandardCharsets.US_ASCII));
        assertEquals("archive 'd.warpb': object 'aa' appears twice in the index", problem(file));
    }

    @Test
    void unknownFlags() throws IOException {
        Path file = twoObjects();
        TestImages.putInt(file, TestImages.entryAt(file, 0) + 48, 6);
        assertEquals("archive 'd.warpb': object 'manifest.json' has unknown flags 0x6 or a non-zero reserved field"
                .replace("d.warpb", "a.warpb"), problem(file));
    }

    @Test
    void missingFile() {
        assertEquals("archive 'nope.warpb' does not exist (" + dir.resolve("nope.warpb") + ")",
                problem(dir.resolve("nope.warpb")));
    }

    @Test
    void theWriterRefusesWhatTheReaderWould() {
        ArchiveWriter writer = new ArchiveWriter();
        assertThrows(IllegalArgumentException.class, () -> writer.add("../x", new byte[1], false));
        writer.add("a", new byte[1], false);
        assertThrows(IllegalArgumentException.class, () -> writer.add("a", new byte[1], false));
    }
}
