package org.wslx.warp.personality.trackb;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;

/**
 * The reference kernel the build put into the bundle, copied once to a file (a VMM loads kernels
 * from files) named by the content's hash, so a new bundle version never boots an old copy; and
 * what its WARP notes say about it.
 */
final class BundledKernel {
    static final String RESOURCE = "trackb/warp-kernel.elf";

    /** The extracted file and the kernel's description of itself. */
    record Kernel(Path file, KernelInfo info) {
    }

    private final URL resource;
    private final Path directory;
    private Kernel extracted;

    BundledKernel(URL resource, Path directory) {
        this.resource = resource;
        this.directory = directory;
    }

    synchronized Kernel kernel() throws ArchiveException {
        if (extracted != null && Files.isRegularFile(extracted.file())) {
            return extracted;
        }
        if (resource == null) {
            throw new ArchiveException("trackb personality: " + RESOURCE + " is missing from the bundle; it is built "
                    + "by personalities/trackb/guest/build-guest.sh during the Maven build");
        }
        byte[] bytes;
        try (InputStream in = resource.openStream()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ArchiveException("trackb personality: cannot read the bundled kernel " + RESOURCE + ": "
                    + e.getMessage(), e);
        }
        KernelInfo info = KernelInfo.read(bytes, "bundled kernel " + RESOURCE);
        String hash = HexFormat.of().formatHex(ArchiveReader.sha256().digest(bytes)).substring(0, 16);
        Path target = directory.resolve("warp-kernel-" + info.version() + "-" + hash + ".elf");
        try {
            Files.createDirectories(directory);
            if (!Files.isRegularFile(target) || Files.size(target) != bytes.length) {
                Path partial = Files.createTempFile(directory, "warp-kernel", ".part");
                Files.write(partial, bytes);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new ArchiveException("trackb personality: cannot copy the bundled kernel into '" + directory + "': "
                    + e.getMessage(), e);
        }
        extracted = new Kernel(target, info);
        return extracted;
    }
}
