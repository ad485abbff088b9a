package org.wslx.warp.personality.trackb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePackerTest {
    @TempDir
    Path dir;

    private int run(ByteArrayOutputStream err, String... args) {
        return ImagePacker.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void packsADirectoryFlaggingTheProgramsAndIsReproducible() throws Exception {
        Path src = TestImages.directory(dir.resolve("src"), TestImages.MANIFEST);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(err, src.toString(), dir.resolve("a.warpb").toString()), err.toString());
        assertEquals(0, run(err, src.toString(), dir.resolve("b.warpb").toString()), err.toString());
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(dir.resolve("a.warpb")), Files.readAllBytes(dir.resolve("b.warpb"))));

        ObjectArchive archive = ArchiveReader.open(dir.resolve("a.warpb"));
        assertEquals(List.of("manifest.json", "bin/cat", "bin/hello", "data/motd.txt"),
                archive.entries().stream().map(ArchiveEntry::name).toList());
        assertEquals(List.of("bin/cat", "bin/hello"),
                archive.entries().stream().filter(ArchiveEntry::executable).map(ArchiveEntry::name).toList());
    }

    @Test
    void refusesADirectoryThatWouldMakeABadImage() throws Exception {
        Path src = TestImages.directory(dir.resolve("src"), TestImages.MANIFEST);
        Files.writeString(src.resolve("bin/hello"), "not a program");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, run(err, src.toString(), dir.resolve("bad.warpb").toString()));
        assertEquals("ImagePacker: image 'samples': program 'bin/hello' is not an ELF file\n", err.toString());
        assertFalse(Files.exists(dir.resolve("bad.warpb")));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("src"), files.map(p -> p.getFileName().toString()).toList(), "no partial file is left");
        }
        assertEquals(2, run(err, "only-one-argument"));
    }
}
