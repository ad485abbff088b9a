package org.wslx.warp.images;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.wslx.warp.image.ImageException;
import org.wslx.warp.image.ImageManifest;
import org.wslx.warp.image.ImportedImage;

/**
 * One import: checks the source tar, unpacks it with GNU tar, reads what the image says about
 * itself, and builds an ext4 root disk from the tree with {@code mke2fs -d}. Whatever it creates in
 * the install directory is removed again if any step fails.
 */
final class Ext4Importer {
    static final String ROOT_DISK = "rootfs.ext4";

    private static final long MIB = 1024L * 1024L;
    private static final long HEADROOM = 256 * MIB;
    private static final long MINIMUM_DISK = 512 * MIB;
    /** mke2fs's default for ext4: one inode per 16 KiB. */
    private static final long BYTES_PER_INODE = 16 * 1024;
    /** ext4 volume labels hold at most 16 bytes. */
    private static final int MAX_LABEL_BYTES = 16;

    private final ExternalTools tools;
    private final boolean privileged;

    Ext4Importer(ExternalTools tools, boolean privileged) {
        this.tools = tools;
        this.privileged = privileged;
    }

    ImportedImage importImage(String imageName, Path source, Path installDirectory) throws ImageException {
        ArchiveFormat format = checkSource(imageName, source);
        boolean directoryExisted = checkInstallDirectory(imageName, installDirectory);
        List<String> entries = listArchive(imageName, source, format);
        if (entries.isEmpty()) {
            throw new ImageException("image '" + imageName + "': tar '" + source + "' contains no files");
        }
        Path workDirectory = null;
        try {
            Files.createDirectories(installDirectory);
            workDirectory = Files.createTempDirectory(installDirectory, ".import-");
            // The archive's own "./" entry, if it has one, overrides this; without one the guest's
            // root directory must still be world-readable.
            Path tree = Files.createDirectory(workDirectory.resolve("rootfs"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            extract(imageName, source, format, tree);
            ImageIdentity identity = ImageIdentity.read(tree);
            Path disk = installDirectory.resolve(ROOT_DISK);
            long diskBytes = buildDisk(imageName, tree, disk);
            ImageManifest manifest = manifest(imageName, source, format, identity, tree);
            ManifestFile.write(imageName, installDirectory, manifest);
            FileTrees.deleteRecursively(workDirectory);
            return new ImportedImage(disk, diskBytes, manifest);
        } catch (IOException e) {
            ImageException failure = new ImageException("image '" + imageName + "': import into '"
                    + installDirectory + "' failed (" + e.getMessage() + ")", e);
            removeLeftovers(failure, installDirectory, workDirectory, directoryExisted);
            throw failure;
        } catch (ImageException | RuntimeException e) {
            removeLeftovers(e, installDirectory, workDirectory, directoryExisted);
            throw e;
        }
    }

    private static ArchiveFormat checkSource(String imageName, Path source) throws ImageException {
        String subject = "image '" + imageName + "': source '" + source + "'";
        if (!Files.exists(source)) {
            throw new ImageException(subject + " does not exist");
        }
        if (!Files.isRegularFile(source)) {
            throw new ImageException(subject + " is not a regular file");
        }
        try {
            if (Files.size(source) == 0) {
                throw new ImageException(subject + " is empty");
            }
            return ArchiveFormat.detect(source).orElseThrow(() -> new ImageException(subject
                    + " is not a tar archive (neither plain nor gzip, xz, zstd or bzip2 compressed)"));
        } catch (IOException e) {
            throw new ImageException(subject + " could not be read (" + e.getMessage() + ")", e);
        }
    }

    /** Returns whether the directory was already there, so a failed import knows whether to remove it. */
    private static boolean checkInstallDirectory(String imageName, Path installDirectory) throws ImageException {
        String subject = "image '" + imageName + "': install directory '" + installDirectory + "'";
        if (!Files.exists(installDirectory, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (!Files.isDirectory(installDirectory)) {
            throw new ImageException(subject + " exists and is not a directory");
        }
        for (String existing : List.of(ROOT_DISK, ManifestFile.FILE_NAME)) {
            if (Files.exists(installDirectory.resolve(existing), LinkOption.NOFOLLOW_LINKS)) {
                throw new ImageException(subject + " already holds " + existing
                        + "; delete that image first or choose another directory");
            }
        }
        return true;
    }

    /** Reads the whole archive once before touching the disk, so corrupt and truncated tars fail early. */
    private List<String> listArchive(String imageName, Path source, ArchiveFormat format) throws ImageException {
        List<String> args = new ArrayList<>(List.of("--list", "--file", source.toString()));
        format.tarOption().ifPresent(args::add);
        requireCompressor(imageName, format);
        String listing = tools.run(imageName, "tar '" + source + "' is not a readable " + format.label()
                + " archive", "tar", args).stdout();
        List<String> entries = new ArrayList<>();
        for (String line : listing.split("\n")) {
            if (!line.isBlank()) {
                entries.add(line);
            }
        }
        return entries;
    }

    private void extract(String imageName, Path source, ArchiveFormat format, Path tree) throws ImageException {
        List<String> args = new ArrayList<>(List.of("--extract", "--file", source.toString(),
                "--directory", tree.toString(), "--numeric-owner", "--preserve-permissions",
                "--xattrs", "--xattrs-include=*", "--acls"));
        // Without root the owners cannot be set; tar would fail on every chown.
        args.add(privileged ? "--same-owner" : "--no-same-owner");
        format.tarOption().ifPresent(args::add);
        // GNU tar refuses members with ".." and absolute names and delays creating symlinks that
        // point outside the tree until the end, so a hostile archive cannot write through them.
        tools.run(imageName, "tar '" + source + "' could not be extracted", "tar", args);
    }

    private void requireCompressor(String imageName, ArchiveFormat format) throws ImageException {
        if (format.compressor().isPresent()) {
            tools.locate(imageName, format.compressor().get());
        }
    }

    private long buildDisk(String imageName, Path tree, Path disk) throws IOException, ImageException {
        FileTrees.Usage usage = FileTrees.usage(tree);
        long bytes = diskSize(usage.bytes());
        long inodes = Math.max(bytes / BYTES_PER_INODE, usage.entries() * 13 / 10 + 4096);
        // A sparse file: the disk's apparent size is generous, but only written blocks use space.
        try (RandomAccessFile file = new RandomAccessFile(disk.toFile(), "rw")) {
            file.setLength(bytes);
        }
        tools.run(imageName, "root disk '" + disk + "' could not be created", "mke2fs", List.of(
                "-t", "ext4", "-d", tree.toString(),
                "-E", "lazy_itable_init=0,lazy_journal_init=0",
                "-N", Long.toString(inodes),
                "-L", label(imageName), "-q", disk.toString()));
        return Files.size(disk);
    }

    /** Content plus 30 % and 256 MiB of room to grow, at least 512 MiB, in whole MiB. */
    static long diskSize(long contentBytes) {
        long wanted = contentBytes + contentBytes * 3 / 10 + HEADROOM;
        long rounded = (wanted + MIB - 1) / MIB * MIB;
        return Math.max(MINIMUM_DISK, rounded);
    }

    static String label(String imageName) {
        byte[] bytes = imageName.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_LABEL_BYTES) {
            return imageName;
        }
        int end = imageName.length();
        while (imageName.substring(0, end).getBytes(StandardCharsets.UTF_8).length > MAX_LABEL_BYTES) {
            end--;
        }
        return imageName.substring(0, end);
    }

    private ImageManifest manifest(String imageName, Path source, ArchiveFormat format, ImageIdentity identity,
            Path tree) throws IOException {
        Map<String, String> attributes = new LinkedHashMap<>(identity.attributes());
        attributes.put("source.file", source.getFileName().toString());
        attributes.put("source.format", format.label());
        Optional<Path> distributionConf = ConfinedPaths.regularFile(tree, ImageIdentity.DISTRIBUTION_CONF);
        attributes.put("source.kind", distributionConf.isPresent()
                || source.getFileName().toString().endsWith(".wsl") ? "wsl" : "rootfs");
        attributes.put("disk.filesystem", "ext4");
        attributes.put("disk.label", label(imageName));
        attributes.put("import.owners", privileged ? "preserved"
                : "not preserved: the image store does not run as root");
        return new ImageManifest("linux", identity.osName(), identity.osVersion(), identity.defaultUser(),
                attributes);
    }

    /** Undoes a failed import; a cleanup problem rides along on the import's own failure. */
    private static void removeLeftovers(Exception failure, Path installDirectory, Path workDirectory,
            boolean directoryExisted) {
        try {
            if (workDirectory != null) {
                FileTrees.deleteRecursively(workDirectory);
            }
            Files.deleteIfExists(installDirectory.resolve(ROOT_DISK));
            Files.deleteIfExists(installDirectory.resolve(ManifestFile.FILE_NAME));
            Files.deleteIfExists(installDirectory.resolve(ManifestFile.FILE_NAME + ".partial"));
            if (!directoryExisted) {
                Files.deleteIfExists(installDirectory);
            }
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
