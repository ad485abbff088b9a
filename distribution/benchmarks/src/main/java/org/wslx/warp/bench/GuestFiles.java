package org.wslx.warp.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What the bare QEMU peer boots: the kernel the personality records in guest/kernel.properties (in
 * the WARP cache), the initramfs bundled in the personality jar, and a fresh ext4 root disk.
 */
final class GuestFiles {
    private static final int ROOT_DISK_MIB = 64;

    private GuestFiles() {
    }

    /** The cache root as the personality computes it: WARP_CACHE_DIR, XDG_CACHE_HOME/wslx-warp, ~/.cache/wslx-warp. */
    static Path cacheRoot() {
        String configured = System.getenv("WARP_CACHE_DIR");
        if (configured != null && !configured.isEmpty()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        return (xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache")).resolve("wslx-warp");
    }

    /** The cached kernel that {@code personalityJar}'s guest/kernel.properties names. */
    static Path kernel(Path personalityJar) throws IOException {
        Properties recorded = new Properties();
        try (ZipFile jar = new ZipFile(personalityJar.toFile()); InputStream in = jar.getInputStream(entry(jar, "guest/kernel.properties"))) {
            recorded.load(in);
        }
        String directory = recorded.getProperty("directory");
        String vmlinuz = recorded.getProperty("vmlinuz");
        if (directory == null || vmlinuz == null) {
            throw new IOException("personality jar '" + personalityJar + "': guest/kernel.properties names no directory or vmlinuz");
        }
        Path kernel = cacheRoot().resolve(directory).resolve(vmlinuz);
        if (!Files.isRegularFile(kernel)) {
            throw new IOException("kernel '" + kernel + "' named by " + personalityJar + " is not in the cache; run personalities/linux/guest/fetch-kernel.sh");
        }
        return kernel;
    }

    /** Copies the bundled guest/initramfs.cpio out of {@code personalityJar} to {@code target}. */
    static Path extractInitramfs(Path personalityJar, Path target) throws IOException {
        try (ZipFile jar = new ZipFile(personalityJar.toFile()); InputStream in = jar.getInputStream(entry(jar, "guest/initramfs.cpio"))) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** An empty ext4 file system made by mke2fs: the peer's root disk, so it has the same block device as WARP. */
    static Path makeRootDisk(Path target) throws IOException, InterruptedException {
        Files.deleteIfExists(target);
        Process mke2fs = new ProcessBuilder("mke2fs", "-q", "-F", "-t", "ext4", target.toString(), ROOT_DISK_MIB + "M")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!mke2fs.waitFor(60, TimeUnit.SECONDS) || mke2fs.exitValue() != 0) {
            mke2fs.destroyForcibly();
            throw new IOException("root disk '" + target + "': mke2fs failed");
        }
        return target;
    }

    private static ZipEntry entry(ZipFile jar, String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        if (entry == null) {
            throw new IOException("personality jar '" + jar.getName() + "' has no " + name);
        }
        return entry;
    }
}
