package org.wslx.warp.backend.kvm.linux;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Track A guest as the Linux personality builds it: Debian's cloud kernel from the cache, the
 * initramfs with the agent as /init, an ext4 root disk made from the busybox image, and the
 * per-boot cpio with the boot secret. Each part is looked up, and {@link #missing()} says what is
 * absent, so tests skip with the reason.
 */
public final class TrackAGuest {
    private static final Path PERSONALITY = Path.of(System.getProperty("user.dir")).resolve("../../personalities/linux").normalize();
    public static final Path INITRAMFS = PERSONALITY.resolve("target/classes/guest/initramfs.cpio");
    public static final Path BUSYBOX_IMAGE = PERSONALITY.resolve("target/guest/busybox-rootfs.tar");

    private TrackAGuest() {
    }

    /**
     * The cached vmlinuz of Debian's cloud kernel (personalities/linux/guest/fetch-kernel.sh), or null;
     * one whose build configuration was recorded next to it comes first.
     */
    public static Path kernel() throws IOException {
        Path kernels = Path.of(System.getProperty("user.home"), ".cache", "wslx-warp", "kernels");
        Path found = null;
        if (Files.isDirectory(kernels)) {
            try (DirectoryStream<Path> versions = Files.newDirectoryStream(kernels)) {
                for (Path version : versions) {
                    if (Files.isRegularFile(version.resolve("vmlinuz"))) {
                        if (Files.isRegularFile(version.resolve("config"))) {
                            return version.resolve("vmlinuz");
                        }
                        found = version.resolve("vmlinuz");
                    }
                }
            }
        }
        return found;
    }

    /**
     * Why {@code kernel} cannot find devices on WARP's monitor, or null when it can. The monitor
     * describes its virtio-mmio devices in its ACPI tables (LNRO0005), which kernels built with
     * ACPI and virtio_mmio read, and also names them on the command line, which only kernels built
     * with CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES read.
     */
    public static String virtioMmioDiscovery(Path kernel) throws IOException {
        Path config = kernel.resolveSibling("config");
        if (!Files.isRegularFile(config)) {
            return "no build configuration next to " + kernel + " (fetch-kernel.sh records it), so it is unknown whether the"
                    + " kernel can find virtio-mmio devices";
        }
        List<String> options = Files.readAllLines(config);
        boolean virtioMmio = options.contains("CONFIG_VIRTIO_MMIO=y") || options.contains("CONFIG_VIRTIO_MMIO=m");
        if (!virtioMmio) {
            return kernel + " is built without CONFIG_VIRTIO_MMIO, so it would see neither /dev/hvc0 nor /dev/vda";
        }
        if (options.contains("CONFIG_ACPI=y") || options.contains("CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y")) {
            return null;
        }
        return kernel + " is built with neither CONFIG_ACPI nor CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES: it has no way to find"
                + " the monitor's virtio-mmio devices";
    }

    /** Why the guest cannot be assembled here, or null when every part is present. */
    public static String missing() throws IOException {
        if (kernel() == null) {
            return "no Debian kernel cached under ~/.cache/wslx-warp/kernels (personalities/linux/guest/fetch-kernel.sh)";
        }
        if (!Files.isRegularFile(INITRAMFS) || !Files.isRegularFile(BUSYBOX_IMAGE)) {
            return "no initramfs or busybox image under " + PERSONALITY + "/target (mvn install -pl personalities/linux)";
        }
        if (onPath("mke2fs") == null) {
            return "mke2fs (e2fsprogs) is not on PATH";
        }
        return null;
    }

    static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            for (String d : List.of(dir, "/sbin", "/usr/sbin")) {
                Path p = Path.of(d.isEmpty() ? "." : d, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** An ext4 image of the busybox root, {@code sizeMiB} large, at {@code image}. */
    public static Path rootDisk(Path image, int sizeMiB) throws IOException, InterruptedException {
        Path tree = Files.createDirectories(image.resolveSibling(image.getFileName() + ".tree"));
        run(List.of("tar", "-xf", BUSYBOX_IMAGE.toString(), "-C", tree.toString()));
        try {
            run(List.of(onPath("mke2fs").toString(), "-q", "-F", "-t", "ext4", "-d", tree.toString(), image.toString(), sizeMiB + "M"));
        } finally {
            run(List.of("rm", "-rf", tree.toString()));
        }
        return image;
    }

    /** The per-boot archive the personality appends: /warp/boot-secret holding {@code secret} in hex. */
    public static Path secretArchive(Path file, byte[] secret) throws IOException {
        ByteArrayOutputStream cpio = new ByteArrayOutputStream();
        entry(cpio, "warp", 040755, new byte[0]);
        entry(cpio, "warp/boot-secret", 0100400, (HexFormat.of().formatHex(secret) + "\n").getBytes(StandardCharsets.US_ASCII));
        entry(cpio, "TRAILER!!!", 0, new byte[0]);
        return Files.write(file, cpio.toByteArray());
    }

    /** One newc entry: the 110-byte header, the name and the data, each padded to 4 bytes. */
    private static void entry(ByteArrayOutputStream out, String name, int mode, byte[] data) {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        int[] fields = {0, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0};
        StringBuilder header = new StringBuilder("070701");
        for (int f : fields) {
            header.append(String.format("%08x", f));
        }
        out.writeBytes(header.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(nameBytes);
        pad(out);
        out.writeBytes(data);
        pad(out);
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
