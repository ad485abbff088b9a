package org.wslx.warp.personality.linux;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.wslx.warp.personality.PersonalityException;

/**
 * The initramfs (agent and modules) that the build put into the bundle, copied once to a file
 * because a VMM loads initrds from files. The file name carries the content's hash, so a new
 * bundle version gets a new file and an old copy is never mistaken for the current one.
 */
final class BundledInitramfs {
    static final String RESOURCE = "guest/initramfs.cpio";

    private final URL resource;
    private final Path directory;
    private Path extracted;

    BundledInitramfs(URL resource, Path directory) {
        this.resource = resource;
        this.directory = directory;
    }

    synchronized Path file() throws PersonalityException {
        if (extracted != null && Files.isRegularFile(extracted)) {
            return extracted;
        }
        if (resource == null) {
            throw new PersonalityException("linux personality: " + RESOURCE + " is missing from the bundle; "
                    + "it is built by personalities/linux/guest/build-guest.sh during the Maven build");
        }
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, "initramfs", ".part");
            try (InputStream in = resource.openStream()) {
                Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
            }
            String hash = KernelLocator.sha256(temporary, "initramfs copy").substring(0, 16);
            Path target = directory.resolve("initramfs-" + hash + ".cpio");
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            extracted = target;
            return target;
        } catch (IOException e) {
            throw new PersonalityException("linux personality: cannot copy the bundled initramfs into '" + directory
                    + "': " + e.getMessage(), e);
        }
    }
}
