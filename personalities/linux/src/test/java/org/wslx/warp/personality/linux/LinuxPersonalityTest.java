package org.wslx.warp.personality.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.image.ImageManifest;
import org.wslx.warp.personality.BootRequest;
import org.wslx.warp.personality.PersonalityException;

class LinuxPersonalityTest {
    @TempDir
    Path temp;
    Path cache;
    Path runtime;
    Path bundledInitramfs;
    Properties recorded;
    byte[] kernelBytes = "a bzImage stands in here".getBytes(StandardCharsets.US_ASCII);

    @BeforeEach
    void cachedKernel() throws Exception {
        cache = Files.createDirectories(temp.resolve("cache"));
        runtime = Files.createDirectories(temp.resolve("run"));
        Path kernelDir = Files.createDirectories(cache.resolve("kernels/linux-image-x-cloud-amd64-1"));
        Files.write(kernelDir.resolve("vmlinuz"), kernelBytes);
        recorded = new Properties();
        recorded.setProperty("package", "linux-image-x-cloud-amd64");
        recorded.setProperty("version", "1");
        recorded.setProperty("directory", "kernels/linux-image-x-cloud-amd64-1");
        recorded.setProperty("vmlinuz", "vmlinuz");
        recorded.setProperty("vmlinuz.sha256", KernelLocator.sha256(kernelDir.resolve("vmlinuz"), "test kernel"));
        bundledInitramfs = temp.resolve("bundled.cpio");
        Files.write(bundledInitramfs, new NewcCpioWriter().file("init", 0755, new byte[] { 1, 2 }).finish());
    }

    private LinuxPersonality personality(String kernel, String sha, String extra) {
        BundledInitramfs initramfs;
        try {
            initramfs = new BundledInitramfs(bundledInitramfs.toUri().toURL(), temp.resolve("data"));
        } catch (java.net.MalformedURLException e) {
            throw new AssertionError(e);
        }
        return new LinuxPersonality(recorded, cache, initramfs, kernel, sha, extra);
    }

    private BootRequest request(byte[] secret) {
        return new BootRequest("debian", new ImageManifest("linux", "Debian", "12", "root", Map.of()),
                temp.resolve("disk.img"), runtime, secret);
    }

    private static byte[] secret() {
        byte[] s = new byte[32];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (0xA0 + i);
        }
        return s;
    }

    @Test
    void bootsTheCachedKernelWithTheSharedInitramfsThenTheSecretArchive() throws Exception {
        BootPayload payload = personality("", "", "").prepareBoot(request(secret()));

        assertEquals("linux", payload.bootMethod());
        assertEquals(cache.resolve("kernels/linux-image-x-cloud-amd64-1/vmlinuz"), payload.kernel());
        assertEquals(2, payload.initrds().size());
        assertArrayEquals(Files.readAllBytes(bundledInitramfs), Files.readAllBytes(payload.initrds().get(0)));
        Path secretArchive = payload.initrds().get(1);
        assertEquals(runtime.resolve("boot-secret.cpio"), secretArchive);
        String hex = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";
        assertArrayEquals(new NewcCpioWriter().directory("warp", 0755)
                .file("warp/boot-secret", 0400, hex.getBytes(StandardCharsets.US_ASCII)).finish(),
                Files.readAllBytes(secretArchive));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(secretArchive)));
        assertEquals("console=ttyS0 warp.root=/dev/vda rw quiet panic=-1 pci=noacpi", payload.commandLine());
    }

    @Test
    void aConfiguredKernelWinsAndItsChecksumIsEnforced() throws Exception {
        Path own = temp.resolve("bzImage");
        Files.writeString(own, "another kernel");
        BootPayload payload = personality(own.toString(), "", "loglevel=7").prepareBoot(request(secret()));
        assertEquals(own, payload.kernel());
        assertEquals(LinuxCommandLine.BASE + " loglevel=7", payload.commandLine());

        PersonalityException wrong = assertThrows(PersonalityException.class,
                () -> personality(own.toString(), "00".repeat(32), "").prepareBoot(request(secret())));
        assertTrue(wrong.getMessage().startsWith("instance 'debian': linux personality: configured kernel '" + own
                + "' has SHA-256 "), wrong.getMessage());
    }

    @Test
    void aMissingCachedKernelNamesThePathAndTheFetchScript() throws Exception {
        Path kernel = cache.resolve("kernels/linux-image-x-cloud-amd64-1/vmlinuz");
        Files.delete(kernel);
        PersonalityException e = assertThrows(PersonalityException.class,
                () -> personality("", "", "").prepareBoot(request(secret())));
        assertTrue(e.getMessage().contains("'" + kernel + "' does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains(KernelLocator.FETCH_HINT), e.getMessage());
    }

    @Test
    void aChangedCachedKernelIsRejected() throws Exception {
        Path kernel = cache.resolve("kernels/linux-image-x-cloud-amd64-1/vmlinuz");
        LinuxPersonality personality = personality("", "", "");
        personality.prepareBoot(request(secret()));
        Files.writeString(kernel, "tampered with, and longer than before");
        PersonalityException e = assertThrows(PersonalityException.class, () -> personality.prepareBoot(request(secret())));
        assertTrue(e.getMessage().contains("'" + kernel + "' has SHA-256"), e.getMessage());
        assertTrue(e.getMessage().endsWith(KernelLocator.FETCH_HINT), e.getMessage());
    }

    @Test
    void aSecretOfTheWrongSizeIsRefused() {
        PersonalityException e = assertThrows(PersonalityException.class,
                () -> personality("", "", "").prepareBoot(request(new byte[16])));
        assertEquals("instance 'debian': the boot secret has 16 bytes; the Linux agent expects 32", e.getMessage());
    }

    @Test
    void theDescriptorNamesTheRecordedDebianKernel() {
        var descriptor = personality("", "", "").descriptor();
        assertEquals(List.of("linux", "A", "Debian linux-image-x-cloud-amd64 1"),
                List.of(descriptor.name(), descriptor.track(), descriptor.kernel()));
    }

    @Test
    void theCacheRootFollowsFetchKernelSh() {
        assertEquals(Path.of("/c"), KernelLocator.defaultCacheRoot(Map.of("WARP_CACHE_DIR", "/c"), "/home/u"));
        assertEquals(Path.of("/x/wslx-warp"), KernelLocator.defaultCacheRoot(Map.of("XDG_CACHE_HOME", "/x"), "/home/u"));
        assertEquals(Path.of("/home/u/.cache/wslx-warp"), KernelLocator.defaultCacheRoot(Map.of(), "/home/u"));
    }

    @Test
    void extraKernelArgumentsWithControlCharactersAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinuxCommandLine.build("a\nb"));
        assertTrue(e.getMessage().contains("control characters"), e.getMessage());
    }
}
