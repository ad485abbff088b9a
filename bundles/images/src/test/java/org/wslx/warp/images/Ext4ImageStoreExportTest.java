package org.wslx.warp.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.image.ImageException;
import org.wslx.warp.image.ImportedImage;

class Ext4ImageStoreExportTest {
    @TempDir
    static Path shared;
    static Path tree;

    @TempDir
    Path work;

    private final Ext4ImageStore store = new Ext4ImageStore(Duration.ofSeconds(60));

    @BeforeAll
    static void buildTree() throws Exception {
        assumeTrue(RootfsFixture.runsAsRoot(), "the fixture sets owners and makes device nodes, which needs root");
        tree = RootfsFixture.createTree(shared.resolve("tree"));
    }

    @Test
    void exportThenReimportKeepsContentsModesOwnersLinksAndSpecialFiles() throws Exception {
        Path source = RootfsFixture.archive(tree, work.resolve("rootfs.tar.xz"), "--xz");
        ImportedImage first = store.importImage("debian", source, work.resolve("first"));

        Path exported = work.resolve("exported.tar.gz");
        store.exportImage("debian", first.rootDisk(), exported);
        assertTrue(fileType(exported).startsWith("gzip compressed data"), fileType(exported));
        ImportedImage second = store.importImage("debian-again", exported, work.resolve("second"));
        Path roundTrip = work.resolve("round-trip.tar");
        store.exportImage("debian-again", second.rootDisk(), roundTrip);

        Path unpacked = Files.createDirectories(work.resolve("unpacked"));
        RootfsFixture.shell("tar", "--extract", "--numeric-owner", "--same-owner", "--preserve-permissions",
                "--file", roundTrip.toString(), "--directory", unpacked.toString());
        assertEquals(describe(tree), describe(unpacked));
        assertEquals(Files.getAttribute(unpacked.resolve("usr/bin/tool"), "unix:ino"),
                Files.getAttribute(unpacked.resolve("usr/bin/tool-hardlink"), "unix:ino"), "hard link kept");
        assertFalse(Files.exists(unpacked.resolve("lost+found")), "mke2fs's empty lost+found is not exported");
        assertEquals(first.manifest().osName(), second.manifest().osName());
        assertEquals(RootfsFixture.listing(work.resolve("first")).size(), 3, "no scratch left beside the disk");
    }

    @Test
    void exportCompressesByTargetName() throws Exception {
        Path source = RootfsFixture.archive(tree, work.resolve("rootfs.tar"), null);
        Path disk = store.importImage("debian", source, work.resolve("install")).rootDisk();

        store.exportImage("debian", disk, work.resolve("out.tar.zst"));
        store.exportImage("debian", disk, work.resolve("out.tar.xz"));
        store.exportImage("debian", disk, work.resolve("out.tar"));

        assertTrue(fileType(work.resolve("out.tar.zst")).startsWith("Zstandard compressed data"));
        assertTrue(fileType(work.resolve("out.tar.xz")).startsWith("XZ compressed data"));
        assertTrue(fileType(work.resolve("out.tar")).startsWith("POSIX tar archive"));
        String names = RootfsFixture.shell("tar", "--list", "--file", work.resolve("out.tar").toString());
        assertTrue(names.contains("./home/alice/with space.txt"), names);
    }

    @Test
    void missingDiskIsAClearError() {
        Path disk = work.resolve("gone/rootfs.ext4");
        ImageException error = assertThrows(ImageException.class,
                () -> store.exportImage("debian", disk, work.resolve("out.tar")));
        assertEquals("image 'debian': root disk '" + disk + "' does not exist", error.getMessage());
        assertFalse(Files.exists(work.resolve("out.tar")));
    }

    @Test
    void diskWithoutExt4IsAClearError() throws Exception {
        Path disk = Files.write(work.resolve("rootfs.ext4"), new byte[8192]);
        ImageException error = assertThrows(ImageException.class,
                () -> store.exportImage("debian", disk, work.resolve("out.tar")));
        assertEquals("image 'debian': root disk '" + disk + "' holds no ext4 filesystem", error.getMessage());
        assertEquals(RootfsFixture.listing(work).toString(), "[, rootfs.ext4]", "no target, no scratch");
    }

    @Test
    void deleteRemovesWhatTheImportCreatedAndKeepsTheRest() throws Exception {
        Path source = RootfsFixture.archive(tree, work.resolve("rootfs.tar"), null);
        Path alone = work.resolve("alone");
        Path shared = Files.createDirectories(work.resolve("shared"));
        Files.writeString(shared.resolve("keep.txt"), "mine\n");
        store.importImage("a", source, alone);
        store.importImage("b", source, shared);

        store.deleteImage("a", alone);
        store.deleteImage("b", shared);

        assertFalse(Files.exists(alone));
        assertEquals(RootfsFixture.listing(shared).toString(), "[, keep.txt]");
    }

    /** Path → type, mode, owner, and content or link target, for every entry below {@code root}. */
    private static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> facts = new TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                String relative = root.relativize(path).toString();
                Map<String, Object> unix = Files.readAttributes(path, "unix:mode,uid,gid,rdev",
                        LinkOption.NOFOLLOW_LINKS);
                String what = Integer.toOctalString((Integer) unix.get("mode")) + " " + unix.get("uid") + ":"
                        + unix.get("gid");
                if (Files.isSymbolicLink(path)) {
                    what += " -> " + Files.readSymbolicLink(path);
                } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    what += " " + java.util.HexFormat.of().formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path)));
                } else if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    what += " rdev " + unix.get("rdev");
                }
                facts.put(relative, what);
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return facts;
    }

    private static String fileType(Path file) throws Exception {
        return RootfsFixture.shell("file", "--brief", file.toString()).strip();
    }
}
