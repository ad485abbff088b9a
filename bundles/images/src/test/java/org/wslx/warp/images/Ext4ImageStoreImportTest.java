package org.wslx.warp.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.wslx.warp.image.ImageManifest;
import org.wslx.warp.image.ImportedImage;

class Ext4ImageStoreImportTest {
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

    @ParameterizedTest(name = "{0}")
    @CsvSource({"tar,", "tar+gzip,--gzip", "tar+xz,--xz", "tar+zstd,--zstd", "tar+bzip2,--bzip2"})
    void importsEachCompressionRecognisedByItsMagicBytes(String label, String tarOption) throws Exception {
        // The name deliberately says nothing about the compression.
        Path source = RootfsFixture.archive(tree, work.resolve("rootfs.bin"), tarOption);
        Path install = work.resolve("install");

        ImportedImage image = store.importImage("debian", source, install);

        assertEquals(install.resolve("rootfs.ext4"), image.rootDisk());
        assertTrue(image.diskBytes() >= 512L * 1024 * 1024, "disk of at least 512 MiB, was " + image.diskBytes());
        assertEquals(image.diskBytes(), Files.size(image.rootDisk()));
        ImageManifest manifest = image.manifest();
        assertEquals("linux", manifest.personality());
        assertEquals("Debian GNU/Linux 12 (bookworm)", manifest.osName());
        assertEquals("12", manifest.osVersion());
        assertEquals("root", manifest.defaultUser());
        assertEquals(label, manifest.attributes().get("source.format"));
        assertEquals("rootfs", manifest.attributes().get("source.kind"));
        assertEquals("debian", manifest.attributes().get("os.id"));
        assertEquals(manifest, store.readManifest(install));
        assertEquals(RootfsFixture.listing(install).toString(), "[, manifest.json, rootfs.ext4]",
                "only the disk and the manifest remain, no scratch tree");
        String label2 = RootfsFixture.shell("debugfs", "-R", "show_super_stats -h", image.rootDisk().toString());
        assertTrue(label2.contains("Filesystem volume name:   debian"), label2);
    }

    @Test
    void diskKeepsModesOwnersLinksAndSpecialFiles() throws Exception {
        Path source = RootfsFixture.archive(tree, work.resolve("rootfs.tar"), null);
        Path disk = store.importImage("debian", source, work.resolve("install")).rootDisk();

        RootfsFixture.DiskInode notes = RootfsFixture.statOnDisk(disk, "/home/alice/notes.txt");
        assertEquals(new RootfsFixture.DiskInode("regular", 0640, 1000, 1001, 1), notes);
        assertEquals(new RootfsFixture.DiskInode("directory", 0750, 1000, 1000, 2),
                RootfsFixture.statOnDisk(disk, "/home/alice"));
        assertEquals(04755, RootfsFixture.statOnDisk(disk, "/usr/bin/passwd").mode());
        assertEquals(01777, RootfsFixture.statOnDisk(disk, "/tmp").mode());
        assertEquals(2, RootfsFixture.statOnDisk(disk, "/usr/bin/tool-hardlink").links());
        RootfsFixture.DiskInode sh = RootfsFixture.statOnDisk(disk, "/usr/bin/sh");
        assertEquals("symlink", sh.type());
        assertEquals(1001, sh.uid());
        assertEquals("FIFO", RootfsFixture.statOnDisk(disk, "/run/initctl").type());
        assertEquals("character special", RootfsFixture.statOnDisk(disk, "/dev/null").type());
        String content = RootfsFixture.shell("debugfs", "-R", "cat /home/alice/notes.txt", disk.toString());
        assertTrue(content.contains("alice's notes"), content);
    }

    @Test
    void wslFileWithDistributionConfSelectsDefaultUserAndName() throws Exception {
        Path wslTree = copyTree("wsl-tree");
        Files.writeString(wslTree.resolve("etc/wsl-distribution.conf"), """
                # a distribution's own description, as WSL reads it
                [oobe]
                command = /usr/lib/wsl/oobe.sh
                defaultUid = 1000
                defaultName = DebianWarp

                [shortcut]
                icon = /usr/share/wsl/debian.ico
                """);
        Path source = RootfsFixture.archive(wslTree, work.resolve("debian.wsl"), "--gzip");

        ImageManifest manifest = store.importImage("debian", source, work.resolve("install")).manifest();

        assertEquals("alice", manifest.defaultUser());
        assertEquals("wsl", manifest.attributes().get("source.kind"));
        assertEquals("tar+gzip", manifest.attributes().get("source.format"));
        assertEquals("DebianWarp", manifest.attributes().get("wsl.defaultName"));
        assertEquals("oobe.defaultName,oobe.defaultUid", manifest.attributes().get("wsl-distribution.conf.honoured"));
        assertEquals("oobe.command,shortcut.icon", manifest.attributes().get("wsl-distribution.conf.ignored"));
    }

    @Test
    void wslConfDefaultUserOverridesDistributionConf() throws Exception {
        Path wslTree = copyTree("wsl-conf-tree");
        Files.writeString(wslTree.resolve("etc/wsl-distribution.conf"), "[oobe]\ndefaultUid=1000\n");
        Files.writeString(wslTree.resolve("etc/wsl.conf"), "[boot]\nsystemd=true\n[user]\ndefault = bob # wins\n");
        Path source = RootfsFixture.archive(wslTree, work.resolve("rootfs.tar.zst"), "--zstd");

        ImageManifest manifest = store.importImage("debian", source, work.resolve("install")).manifest();

        assertEquals("bob", manifest.defaultUser());
        assertEquals("user.default", manifest.attributes().get("wsl.conf.honoured"));
        assertEquals("boot.systemd", manifest.attributes().get("wsl.conf.ignored"));
    }

    @Test
    void defaultUidMissingFromPasswdFallsBackToRootAndSaysWhy() throws Exception {
        Path wslTree = copyTree("uid-tree");
        Files.writeString(wslTree.resolve("etc/wsl-distribution.conf"), "[oobe]\ndefaultUid=4242\n");
        Path source = RootfsFixture.archive(wslTree, work.resolve("x.wsl"), "--gzip");

        ImageManifest manifest = store.importImage("debian", source, work.resolve("install")).manifest();

        assertEquals("root", manifest.defaultUser());
        assertEquals("", manifest.attributes().get("wsl-distribution.conf.honoured"));
        assertTrue(manifest.attributes().get("wsl.oobe.defaultUid.unresolved").contains("4242"));
    }

    @Test
    void osReleaseSymlinkClimbingOutOfTheImageIsNotFollowedOntoTheHost() throws Exception {
        Path hostileTree = copyTree("hostile-tree");
        Files.delete(hostileTree.resolve("etc/os-release"));
        Files.delete(hostileTree.resolve("usr/lib/os-release"));
        // On the host this would reach the host's own /usr/lib/os-release.
        Files.createSymbolicLink(hostileTree.resolve("etc/os-release"),
                Path.of("../../../../../../../../../../usr/lib/os-release"));
        assertTrue(Files.exists(Path.of("/usr/lib/os-release")), "the host must have a file to leak");
        Path source = RootfsFixture.archive(hostileTree, work.resolve("h.tar"), null);

        ImageManifest manifest = store.importImage("hostile", source, work.resolve("install")).manifest();

        assertEquals("", manifest.osName(), "the image has no os-release of its own");
        assertEquals("", manifest.osVersion());
    }

    private Path copyTree(String name) throws Exception {
        Path copy = work.resolve(name);
        Files.createDirectories(copy);
        RootfsFixture.shell("cp", "-a", tree + "/.", copy.toString());
        return copy;
    }
}
