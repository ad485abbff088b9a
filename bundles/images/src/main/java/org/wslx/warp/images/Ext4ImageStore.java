package org.wslx.warp.images;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.wslx.warp.image.ImageException;
import org.wslx.warp.image.ImageManifest;
import org.wslx.warp.image.ImageStore;
import org.wslx.warp.image.ImportedImage;

/**
 * The image store: root filesystem tars and WSL {@code .wsl} files become sparse ext4 root disks
 * ({@code rootfs.ext4}) with a {@code manifest.json} beside them, built by the host's GNU tar and
 * e2fsprogs, and disks become tars again on export.
 */
@Component(service = ImageStore.class)
@Designate(ocd = Ext4ImageStore.Config.class)
public class Ext4ImageStore implements ImageStore {

    @ObjectClassDefinition(name = "WARP image store",
            description = "Imports root filesystem tars into ext4 root disks and exports them back.")
    public @interface Config {
        @AttributeDefinition(description = "Longest time one tar, mke2fs or debugfs run may take, in seconds; "
                + "large root filesystems on slow disks need minutes.")
        int toolTimeoutSeconds() default 1800;
    }

    private final Ext4Importer importer;
    private final Ext4Exporter exporter;

    @Activate
    public Ext4ImageStore(Config config) {
        this(Duration.ofSeconds(config.toolTimeoutSeconds()));
    }

    Ext4ImageStore(Duration toolTimeout) {
        ExternalTools tools = new ExternalTools(toolTimeout);
        boolean privileged = runsAsRoot();
        this.importer = new Ext4Importer(tools, privileged);
        this.exporter = new Ext4Exporter(tools, privileged);
    }

    @Override
    public ImportedImage importImage(String imageName, Path source, Path installDirectory) throws ImageException {
        requireName(imageName);
        requirePath(imageName, "source", source);
        requirePath(imageName, "install directory", installDirectory);
        return importer.importImage(imageName, source, installDirectory);
    }

    @Override
    public void exportImage(String imageName, Path rootDisk, Path target) throws ImageException {
        requireName(imageName);
        requirePath(imageName, "root disk", rootDisk);
        requirePath(imageName, "export target", target);
        exporter.exportImage(imageName, rootDisk, target);
    }

    @Override
    public void deleteImage(String imageName, Path installDirectory) throws ImageException {
        requireName(imageName);
        requirePath(imageName, "install directory", installDirectory);
        if (!Files.exists(installDirectory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(installDirectory, LinkOption.NOFOLLOW_LINKS)) {
            throw new ImageException("image '" + imageName + "': install directory '" + installDirectory
                    + "' is not a directory");
        }
        try {
            Files.deleteIfExists(installDirectory.resolve(Ext4Importer.ROOT_DISK));
            Files.deleteIfExists(installDirectory.resolve(ManifestFile.FILE_NAME));
            try {
                Files.delete(installDirectory);
            } catch (DirectoryNotEmptyException e) {
                // Files the store did not create stay, and so does the directory holding them.
            }
        } catch (IOException e) {
            throw new ImageException("image '" + imageName + "': '" + installDirectory + "' could not be removed ("
                    + e.getMessage() + ")", e);
        }
    }

    /** Reads the manifest an import wrote into {@code installDirectory}. */
    public ImageManifest readManifest(Path installDirectory) throws ImageException {
        if (installDirectory == null) {
            throw new ImageException("manifest: no install directory was given");
        }
        return ManifestFile.read(installDirectory);
    }

    private static void requireName(String imageName) throws ImageException {
        if (imageName == null || imageName.isBlank()) {
            throw new ImageException("image name is missing or blank");
        }
    }

    private static void requirePath(String imageName, String role, Path path) throws ImageException {
        if (path == null) {
            throw new ImageException("image '" + imageName + "': no " + role + " was given");
        }
    }

    /** /proc/self belongs to the process's effective user, which is what tar and debugfs act as. */
    private static boolean runsAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
