package org.wslx.warp.image;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Turns distribution sources (root filesystem tars, plain or compressed, and WSL's {@code .wsl}
 * files) into root disks, and root disks back into tars. Nothing here knows about instances'
 * lifecycles; the instance manager calls it while an instance is stopped.
 */
@ProviderType
public interface ImageStore {
    /**
     * Imports {@code source} into {@code installDirectory}, creating the root disk there.
     *
     * @throws ImageException if the source is missing, empty, corrupt or of an unknown format; nothing
     *                        is left behind in {@code installDirectory}
     */
    ImportedImage importImage(String imageName, Path source, Path installDirectory) throws ImageException;

    /**
     * Writes the root disk's files as a tar to {@code target} (compressed when the name ends in
     * {@code .gz}, {@code .xz} or {@code .zst}). The disk must not be in use.
     */
    void exportImage(String imageName, Path rootDisk, Path target) throws ImageException;

    /** Removes what {@link #importImage} created in {@code installDirectory}. */
    void deleteImage(String imageName, Path installDirectory) throws ImageException;
}
