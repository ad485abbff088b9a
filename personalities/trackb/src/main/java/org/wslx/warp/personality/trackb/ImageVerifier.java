package org.wslx.warp.personality.trackb;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything IMAGE-FORMAT.md §2 asks of an image before it is accepted: a sound archive, a valid
 * manifest, every entry program present, flagged {@code EXECUTABLE} and a valid ABI executable
 * (and so every other object flagged executable), and a kernel that satisfies the manifest.
 */
final class ImageVerifier {
    /** An image that passed every check. */
    record VerifiedImage(ObjectArchive archive, TrackBManifest manifest) {
    }

    private ImageVerifier() {
    }

    /**
     * @param image  names the image in messages, e.g. {@code image 'samples'}
     * @param kernel the kernel it must run on, or null to check the image on its own (the packer)
     */
    static VerifiedImage verify(String image, Path file, KernelInfo kernel) throws ArchiveException {
        ObjectArchive archive;
        try {
            archive = ArchiveReader.open(file);
        } catch (ArchiveException e) {
            throw new ArchiveException(image + ": " + e.getMessage(), e);
        }
        ArchiveEntry manifestEntry = archive.find(ArchiveLayout.MANIFEST).orElseThrow(() -> new ArchiveException(image
                + ": the archive has no '" + ArchiveLayout.MANIFEST + "' object, so it is not a Track B image"));
        TrackBManifest manifest = TrackBManifest.parse(archive.read(manifestEntry), image + ": " + ArchiveLayout.MANIFEST);
        for (Map.Entry<String, String> program : manifest.programs().entrySet()) {
            String where = image + ": entry program '" + program.getKey() + "' (" + program.getValue() + ")";
            ArchiveEntry entry = archive.find(program.getValue()).orElseThrow(
                    () -> new ArchiveException(where + " is not in the archive"));
            if (!entry.executable()) {
                throw new ArchiveException(where + " is not flagged EXECUTABLE in the archive's index");
            }
        }
        for (ArchiveEntry entry : archive.entries()) {
            if (entry.executable()) {
                AbiExecutable.check(archive.read(entry), image + ": program '" + entry.name() + "'");
            }
        }
        if (kernel != null) {
            KernelCompatibility.check(image, manifest.kernel(), kernel);
        }
        return new VerifiedImage(archive, manifest);
    }
}
