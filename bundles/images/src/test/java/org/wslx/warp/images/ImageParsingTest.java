package org.wslx.warp.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.image.ImageException;
import org.wslx.warp.image.ImageManifest;

/** The pure parts: config parsers, format sniffing, confined path resolution, sizing, manifests. */
class ImageParsingTest {
    @TempDir
    Path work;

    @Test
    void osReleaseValuesLoseTheirShellQuoting() {
        Map<String, String> values = ConfigFiles.osRelease(
                "# comment\nNAME=\"Debian \\\"GNU\\\"/Linux\"\nID=debian\nVERSION_ID='12'\nBROKEN\n");
        assertEquals("Debian \"GNU\"/Linux", values.get("NAME"));
        assertEquals("debian", values.get("ID"));
        assertEquals("12", values.get("VERSION_ID"));
        assertEquals(3, values.size());
    }

    @Test
    void iniKeysMatchWithoutCaseAndKeepTheirSpelling() {
        Map<String, String> values = ConfigFiles.ini("[OOBE]\nDefaultUID = 1000 # comment\ndefaultName=\"A # B\"\n"
                + "; comment\n[user]\ndefault=alice\n");
        assertEquals("1000", values.get("oobe.defaultUid"));
        assertEquals("A # B", values.get("oobe.defaultname"));
        assertEquals("alice", values.get("user.default"));
        assertTrue(values.containsKey("OOBE.DefaultUID"));
    }

    @Test
    void passwdLookupsSkipMalformedLines() {
        String passwd = "garbage\nx:x:notanumber:0::/:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/bash\n";
        assertEquals("alice", ConfigFiles.userNameForUid(passwd, 1000));
        assertNull(ConfigFiles.userNameForUid(passwd, 1001));
        assertTrue(ConfigFiles.hasUser(passwd, "alice"));
    }

    @Test
    void formatsAreToldByMagicBytesNotNames() throws Exception {
        assertEquals(Optional.of(ArchiveFormat.GZIP), ArchiveFormat.detect(bytes("a.tar", 0x1f, 0x8b, 8, 0)));
        assertEquals(Optional.of(ArchiveFormat.XZ), ArchiveFormat.detect(bytes("b.gz", 0xfd, '7', 'z', 'X', 'Z', 0)));
        assertEquals(Optional.of(ArchiveFormat.ZSTD), ArchiveFormat.detect(bytes("c", 0x28, 0xb5, 0x2f, 0xfd)));
        assertEquals(Optional.of(ArchiveFormat.BZIP2), ArchiveFormat.detect(bytes("d", 'B', 'Z', 'h', '9')));
        assertEquals(Optional.empty(), ArchiveFormat.detect(bytes("e", 'B', 'Z', 'h', 'x')));
        byte[] tarHeader = new byte[512];
        System.arraycopy("ustar".getBytes(), 0, tarHeader, 257, 5);
        assertEquals(Optional.of(ArchiveFormat.PLAIN), ArchiveFormat.detect(Files.write(work.resolve("f.xz"), tarHeader)));
        assertEquals(Optional.empty(), ArchiveFormat.detect(Files.write(work.resolve("g"), new byte[512])));
    }

    @Test
    void exportCompressionFollowsTheTargetName() {
        assertEquals(ArchiveFormat.GZIP, ArchiveFormat.forTarget(Path.of("x.tar.gz")));
        assertEquals(ArchiveFormat.GZIP, ArchiveFormat.forTarget(Path.of("x.wsl")));
        assertEquals(ArchiveFormat.XZ, ArchiveFormat.forTarget(Path.of("x.tar.xz")));
        assertEquals(ArchiveFormat.ZSTD, ArchiveFormat.forTarget(Path.of("x.tar.zst")));
        assertEquals(ArchiveFormat.PLAIN, ArchiveFormat.forTarget(Path.of("x.tar")));
    }

    @Test
    void symlinksResolveAgainstTheImageRootNeverTheHost() throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("usr/lib"));
        Files.writeString(root.resolve("usr/lib/os-release"), "ID=guest\n");
        Files.createSymbolicLink(root.resolve("etc/absolute"), Path.of("/usr/lib/os-release"));
        Files.createSymbolicLink(root.resolve("etc/climbing"), Path.of("../../../../usr/lib/os-release"));
        Files.createSymbolicLink(root.resolve("etc/loop"), Path.of("loop"));
        Files.createSymbolicLink(root.resolve("etc/host-only"), Path.of("/etc/hostname"));

        Path expected = root.resolve("usr/lib/os-release");
        assertEquals(Optional.of(expected), ConfinedPaths.regularFile(root, "/etc/absolute"));
        assertEquals(Optional.of(expected), ConfinedPaths.regularFile(root, "/etc/climbing"));
        assertEquals(Optional.empty(), ConfinedPaths.regularFile(root, "/etc/loop"));
        assertEquals(Optional.empty(), ConfinedPaths.regularFile(root, "/etc/host-only"));
        assertEquals(Optional.empty(), ConfinedPaths.regularFile(root, "/usr/lib"));
    }

    @Test
    void diskIsContentPlusThirtyPercentPlusHeadroomAtLeast512MiB() {
        long mib = 1024 * 1024;
        assertEquals(512 * mib, Ext4Importer.diskSize(0));
        assertEquals(512 * mib, Ext4Importer.diskSize(100 * mib));
        assertEquals(1000 * mib + 300 * mib + 256 * mib, Ext4Importer.diskSize(1000 * mib));
        assertEquals(0, Ext4Importer.diskSize(1000 * mib + 1) % mib, "whole MiB");
        assertEquals("a-very-long-imag", Ext4Importer.label("a-very-long-image-name"));
    }

    @Test
    void manifestRoundTripsAndBrokenOnesAreNamed() throws Exception {
        ImageManifest manifest = new ImageManifest("linux", "Debian", "12", "alice", Map.of("source.format", "tar"));
        ManifestFile.write("debian", work, manifest);
        assertEquals(manifest, ManifestFile.read(work));

        Files.writeString(work.resolve("manifest.json"), "{\"personality\": ");
        ImageException broken = assertThrows(ImageException.class, () -> ManifestFile.read(work));
        assertTrue(broken.getMessage().startsWith("manifest '" + work.resolve("manifest.json")
                + "' is not valid manifest JSON"), broken.getMessage());

        Path empty = Files.createDirectories(work.resolve("empty"));
        ImageException missing = assertThrows(ImageException.class, () -> ManifestFile.read(empty));
        assertEquals("manifest '" + empty.resolve("manifest.json") + "' does not exist", missing.getMessage());
    }

    private Path bytes(String name, int... values) throws Exception {
        byte[] data = new byte[600];
        for (int i = 0; i < values.length; i++) {
            data[i] = (byte) values[i];
        }
        return Files.write(work.resolve(name), data);
    }
}
