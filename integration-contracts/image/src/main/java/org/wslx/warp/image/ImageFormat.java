package org.wslx.warp.image;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An image format other than the root-filesystem tars the {@link ImageStore} handles, supplied by
 * the bundle that knows it (typically the personality that boots such images). Registered as a
 * service with {@link #SERVICE_NAME_PROPERTY}. The core offers every source to the registered
 * formats first and falls back to the {@link ImageStore} when none recognises it; export and
 * removal go to the format that the stored manifest names in {@link #FORMAT_ATTRIBUTE}.
 */
@ConsumerType
public interface ImageFormat {
    /** Service property carrying {@link #name()}. */
    String SERVICE_NAME_PROPERTY = "warp.image.format";

    /** Manifest attribute naming the format that imported the image; absent for the image store's images. */
    String FORMAT_ATTRIBUTE = "image.format";

    /**
     * Manifest attribute saying whether the core attaches {@link ImportedImage#rootDisk()} to the
     * machine as a block device: {@code false} when the personality hands the image to the guest
     * some other way (e.g. as a boot module). Absent means {@code true}.
     */
    String ATTACH_ROOT_DISK_ATTRIBUTE = "image.attachRootDisk";

    /** The format's short name, e.g. {@code warpb}; written to {@link #FORMAT_ATTRIBUTE}. */
    String name();

    /**
     * Whether {@code source} is in this format, judged by its content (a file's name says nothing
     * reliable). Cheap: reads a header, not the whole file. A source that looks like this format
     * but is damaged is still recognised, so that {@link #importImage} can say what is wrong.
     */
    boolean recognises(Path source);

    /**
     * Checks {@code source} completely and installs it into {@code installDirectory}. The returned
     * manifest names the personality that boots the image and carries {@link #FORMAT_ATTRIBUTE}.
     *
     * @throws ImageException if the source is corrupt or cannot be run here; the message names the
     *                        image and the problem, and nothing is left behind in {@code installDirectory}
     */
    ImportedImage importImage(String imageName, Path source, Path installDirectory) throws ImageException;

    /** Writes the installed image back to {@code target} in this format. */
    void exportImage(String imageName, Path installDirectory, ImageManifest manifest, Path target)
            throws ImageException;

    /** Removes what {@link #importImage} created in {@code installDirectory}. */
    void deleteImage(String imageName, Path installDirectory) throws ImageException;
}
