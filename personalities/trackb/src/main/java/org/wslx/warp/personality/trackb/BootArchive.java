package org.wslx.warp.personality.trackb;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The per-boot archive (IMAGE-FORMAT.md §3) that follows the image in the boot module: the 32-byte
 * boot secret as {@code boot/secret}, raw. The kernel gives it to the agent only.
 */
final class BootArchive {
    static final String FILE_NAME = "boot.warpb";
    static final String SECRET_OBJECT = "boot/secret";
    static final int SECRET_BYTES = 32;

    private BootArchive() {
    }

    /** Writes the archive into the boot's private runtime directory, readable by its owner only. */
    static Path write(Path runtimeDirectory, byte[] secret) throws IOException {
        if (secret.length != SECRET_BYTES) {
            throw new IllegalArgumentException("the boot secret has " + secret.length + " bytes, not " + SECRET_BYTES);
        }
        Path target = runtimeDirectory.resolve(FILE_NAME);
        ArchiveWriter writer = new ArchiveWriter().add(SECRET_OBJECT, secret, false);
        try {
            writer.write(target, ownerOnly());
        } catch (UnsupportedOperationException e) {
            writer.write(target); // not a POSIX file system; the runtime directory is private anyway
        }
        return target;
    }

    private static FileAttribute<?> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    }
}
