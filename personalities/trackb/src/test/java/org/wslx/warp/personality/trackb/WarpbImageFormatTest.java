package org.wslx.warp.personality.trackb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.image.ImageException;
import org.wslx.warp.image.ImageFormat;
import org.wslx.warp.image.ImportedImage;

class WarpbImageFormatTest {
    @TempDir
    Path dir;

    private WarpbImageFormat format(String version, String features) throws Exception {
        Path kernel = Files.write(dir.resolve("kernel-" + version + ".elf"), TestElf.kernel(version, features));
        return new WarpbImageFormat(new BundledKernel(kernel.toUri().toURL(), dir.resolve("cache")));
    }

    @Test
    void importKeepsTheArchiveAsItIsAndDescribesIt() throws Exception {
        Path source = TestImages.archive(dir, "samples");
        WarpbImageFormat format = format("0.1.0", "spawn,clock");
        assertTrue(format.recognises(source));
        assertFalse(format.recognises(Files.writeString(dir.resolve("x.tar"), "ustar")));
        assertFalse(format.recognises(dir), "a directory without manifest.json is not a Track B image");

        ImportedImage image = format.importImage("s", source, dir.resolve("inst/s"));
        assertEquals(dir.resolve("inst/s/image.warpb"), image.rootDisk());
        assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(image.rootDisk()));
        assertEquals("trackb", image.manifest().personality());
        assertEquals("samples", image.manifest().osName());
        assertEquals("1.0.0", image.manifest().osVersion());
        assertEquals("warpb", image.manifest().attributes().get(ImageFormat.FORMAT_ATTRIBUTE));
        assertEquals("false", image.manifest().attributes().get(ImageFormat.ATTACH_ROOT_DISK_ATTRIBUTE));
        assertEquals("cat,hello", image.manifest().attributes().get(StoredRequirement.PROGRAMS));
        assertEquals("spawn,clock", image.manifest().attributes().get(StoredRequirement.FEATURES));

        Path exported = dir.resolve("out/again.warpb");
        format.exportImage("s", dir.resolve("inst/s"), image.manifest(), exported);
        assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(exported));

        format.deleteImage("s", dir.resolve("inst/s"));
        assertFalse(Files.exists(dir.resolve("inst/s")));
    }

    @Test
    void anImageDirectoryIsPackedAtImport() throws Exception {
        Path source = TestImages.directory(dir.resolve("samples-dir"), TestImages.MANIFEST);
        WarpbImageFormat format = format("0.1.0", "spawn,clock");
        assertTrue(format.recognises(source));
        ImportedImage image = format.importImage("d", source, dir.resolve("inst/d"));
        assertArrayEquals(Files.readAllBytes(ImagePacker.pack(source, dir.resolve("by-hand.warpb"))),
                Files.readAllBytes(image.rootDisk()), "the same bytes the packer makes");
        assertEquals("samples", image.manifest().osName());

        Files.writeString(source.resolve(ArchiveLayout.MANIFEST), "{ not json");
        ImageException e = assertThrows(ImageException.class, () -> format.importImage("e", source, dir.resolve("inst/e")));
        assertTrue(e.getMessage().startsWith("image 'e': cannot pack the image directory '" + source + "': "), e.getMessage());
        assertFalse(Files.exists(dir.resolve("inst/e")));
    }

    @Test
    void aBadImageIsRefusedAndLeavesNothingBehind() throws Exception {
        Path source = TestImages.archive(dir, "samples");
        WarpbImageFormat tooOld = format("0.0.9", "spawn,clock");
        ImageException e = assertThrows(ImageException.class, () -> tooOld.importImage("s", source, dir.resolve("inst/s")));
        assertEquals("image 's' needs kernel version 0.1.0 or newer, but the installed kernel is 0.0.9", e.getMessage());
        assertFalse(Files.exists(dir.resolve("inst/s")));

        WarpbImageFormat lacking = format("0.1.0", "spawn");
        e = assertThrows(ImageException.class, () -> lacking.importImage("s", source, dir.resolve("inst/s")));
        assertEquals("image 's' needs kernel feature clock, which the installed kernel 0.1.0 lacks (it has spawn)",
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("inst/s")));

        TestImages.putBytes(source, 0, "WARPOBJX".getBytes());
        WarpbImageFormat good = format("0.1.0", "spawn,clock");
        assertFalse(good.recognises(source));
        TestImages.putBytes(source, 0, "WARPOBJS".getBytes());
        TestImages.putInt(source, 12, 9999);
        assertTrue(good.recognises(source), "a damaged archive is still recognised, so that its import can say why");
        e = assertThrows(ImageException.class, () -> good.importImage("s", source, dir.resolve("inst/s")));
        assertEquals("image 's': archive 'samples.warpb': object count 9999 is outside 1 … 4096", e.getMessage());
        assertFalse(Files.exists(dir.resolve("inst/s")));
    }

    @Test
    void anExistingDirectoryIsKeptWhenImportFails() throws Exception {
        Path install = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(install.resolve("notes.txt"), "keep me");
        Path broken = TestImages.rawArchive(dir.resolve("b.warpb"), "bin/x", "x", false);
        assertThrows(ImageException.class, () -> format("0.1.0", "").importImage("b", broken, install));
        assertEquals("keep me", Files.readString(install.resolve("notes.txt")));
    }
}
