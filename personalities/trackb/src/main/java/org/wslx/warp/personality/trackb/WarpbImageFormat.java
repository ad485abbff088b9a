package org.wslx.warp.personality.trackb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.wslx.warp.image.ImageException;
import org.wslx.warp.image.ImageFormat;
import org.wslx.warp.image.ImageManifest;
import org.wslx.warp.image.ImportedImage;

/**
 * Track B images ({@code .warpb}) for the core's import, export and unregister: an image is checked
 * completely (archive, manifest, programs, and the bundled kernel's version and features) and then
 * kept as it is, one file in the instance's directory, which the personality hands to the kernel
 * as its boot module. Nothing is converted, so export is a copy. An image directory (a
 * {@code manifest.json} and the objects it names, as the SDK's build leaves them) is packed first,
 * so {@code wslx --import NAME DIR} works without running the packer by hand.
 */
@Component(service = ImageFormat.class, property = ImageFormat.SERVICE_NAME_PROPERTY + "=" + StoredRequirement.FORMAT)
public class WarpbImageFormat implements ImageFormat {
    static final String ARCHIVE_FILE = "image.warpb";

    private final BundledKernel kernel;

    @Activate
    public WarpbImageFormat(BundleContext context) {
        this(new BundledKernel(WarpbImageFormat.class.getClassLoader().getResource(BundledKernel.RESOURCE),
                TrackBPersonality.dataDirectory(context)));
    }

    WarpbImageFormat(BundledKernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public String name() {
        return StoredRequirement.FORMAT;
    }

    @Override
    public boolean recognises(Path source) {
        if (source != null && Files.isDirectory(source)) {
            return Files.isRegularFile(source.resolve(ArchiveLayout.MANIFEST));
        }
        if (source == null || !Files.isRegularFile(source)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(source)) {
            return Arrays.equals(in.readNBytes(ArchiveLayout.MAGIC.length), ArchiveLayout.MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public ImportedImage importImage(String imageName, Path source, Path installDirectory) throws ImageException {
        if (!Files.isDirectory(source)) {
            return importArchive(imageName, source, installDirectory);
        }
        Path packed = null;
        try {
            packed = Files.createTempFile(imageName, ".warpb");
            ImagePacker.pack(source, packed);
            return importArchive(imageName, packed, installDirectory);
        } catch (ArchiveException | IOException e) {
            throw new ImageException("image '" + imageName + "': cannot pack the image directory '" + source + "': "
                    + e.getMessage(), e);
        } finally {
            removeQuietly(packed, null);
        }
    }

    private ImportedImage importArchive(String imageName, Path source, Path installDirectory) throws ImageException {
        String image = "image '" + imageName + "'";
        ImageVerifier.VerifiedImage verified;
        try {
            verified = ImageVerifier.verify(image, source, kernel.kernel().info());
        } catch (ArchiveException e) {
            throw new ImageException(e.getMessage(), e);
        }
        boolean created = !Files.exists(installDirectory, LinkOption.NOFOLLOW_LINKS);
        Path target = installDirectory.resolve(ARCHIVE_FILE);
        try {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new ImageException(image + ": '" + target + "' already exists; choose another directory");
            }
            Files.createDirectories(installDirectory);
            Path partial = Files.createTempFile(installDirectory, ARCHIVE_FILE, ".part");
            try {
                Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING);
                // The copy is what boots, so it is the copy whose digests must hold.
                ImageVerifier.verify(image, partial, null);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            return new ImportedImage(target, Files.size(target),
                    StoredRequirement.manifestFor(verified.manifest(), verified.archive().archiveBytes()));
        } catch (IOException | ArchiveException e) {
            removeQuietly(target, created ? installDirectory : null);
            throw new ImageException(image + ": cannot install it into '" + installDirectory + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void exportImage(String imageName, Path installDirectory, ImageManifest manifest, Path target)
            throws ImageException {
        Path archive = installDirectory.resolve(ARCHIVE_FILE);
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path partial = Files.createTempFile(parent, target.getFileName().toString(), ".part");
            try {
                Files.copy(archive, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException e) {
            throw new ImageException("image '" + imageName + "': cannot export '" + archive + "' to '" + target + "': "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void deleteImage(String imageName, Path installDirectory) throws ImageException {
        try {
            Files.deleteIfExists(installDirectory.resolve(ARCHIVE_FILE));
            Files.deleteIfExists(installDirectory);
        } catch (DirectoryNotEmptyException e) {
            // Files the format did not create stay, and so does the directory holding them.
        } catch (IOException e) {
            throw new ImageException("image '" + imageName + "': '" + installDirectory + "' could not be removed ("
                    + e.getMessage() + ")", e);
        }
    }

    private static void removeQuietly(Path file, Path directory) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
            if (directory != null) {
                Files.deleteIfExists(directory);
            }
        } catch (IOException e) {
            // The import already failed; that failure is the one worth reporting.
        }
    }
}
