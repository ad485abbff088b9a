package org.wslx.warp.image;

import java.nio.file.Path;

/**
 * The result of an import: the root disk made from the source, and its manifest.
 *
 * @param rootDisk   the disk image the guest boots as its root
 * @param diskBytes  the disk image's apparent size
 * @param manifest   what the import learned about the image
 */
public record ImportedImage(Path rootDisk, long diskBytes, ImageManifest manifest) {
}
