package org.wslx.warp.images;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.wslx.warp.image.ImageException;

/**
 * One export: dumps an ext4 root disk's files with debugfs {@code rdump}, restores what rdump
 * cannot (hard links, device nodes, FIFOs, symlink owners, set-id bits) from a debugfs listing,
 * and packs the tree with GNU tar. The target only appears once the archive is complete.
 */
final class Ext4Exporter {
    private static final int CHARACTER_DEVICE = 0020000;
    private static final int BLOCK_DEVICE = 0060000;
    private static final int FIFO = 0010000;
    private static final int SPECIAL_BITS = 07000;

    private final ExternalTools tools;
    private final boolean privileged;

    Ext4Exporter(ExternalTools tools, boolean privileged) {
        this.tools = tools;
        this.privileged = privileged;
    }

    void exportImage(String imageName, Path rootDisk, Path target) throws ImageException {
        Ext4Commands.requireExtFilesystem(imageName, rootDisk);
        Path targetDirectory = target.toAbsolutePath().getParent();
        if (targetDirectory == null || !Files.isDirectory(targetDirectory)) {
            throw new ImageException("image '" + imageName + "': export target '" + target
                    + "' is in a directory that does not exist");
        }
        if (Files.isDirectory(target)) {
            throw new ImageException("image '" + imageName + "': export target '" + target + "' is a directory");
        }
        if (!privileged) {
            // rdump can only hand files to their owners when it runs as root; an export with every
            // file owned by the service's user would boot into a broken system.
            throw new ImageException("image '" + imageName + "': export of '" + rootDisk
                    + "' needs root so that file owners survive, and the image store does not run as root");
        }
        ArchiveFormat format = ArchiveFormat.forTarget(target);
        if (format.compressor().isPresent()) {
            tools.locate(imageName, format.compressor().get());
        }
        Path work = null;
        try {
            work = Files.createTempDirectory(targetDirectory, ".export-");
            Path tree = Files.createDirectory(work.resolve("rootfs"));
            List<Ext4Listing.Entry> entries = Ext4Listing.read(tools, imageName, rootDisk);
            Ext4Commands.runScript(tools, imageName, rootDisk, "rdump / " + Ext4Listing.quote(tree.toString()) + "\n",
                    "files of root disk '" + rootDisk + "' could not be dumped");
            restoreWhatRdumpLoses(imageName, rootDisk, tree, entries);
            Path partial = work.resolve("archive");
            List<String> args = new ArrayList<>(List.of("--create", "--file", partial.toString(),
                    "--numeric-owner", "--xattrs", "--xattrs-include=*", "--acls", "--sort=name",
                    "--directory", tree.toString()));
            if (isEmptyDirectory(tree.resolve("lost+found"))) {
                // mke2fs made it, the distribution did not ship it.
                args.add("--exclude=./lost+found");
            }
            format.tarOption().ifPresent(args::add);
            args.add(".");
            tools.run(imageName, "archive '" + target + "' could not be written", "tar", args);
            moveIntoPlace(partial, target);
        } catch (IOException e) {
            throw new ImageException("image '" + imageName + "': export of '" + rootDisk + "' to '" + target
                    + "' failed (" + e.getMessage() + ")", e);
        } finally {
            if (work != null) {
                try {
                    FileTrees.deleteRecursively(work);
                } catch (IOException ignored) {
                    // The export's outcome is already decided; a leftover scratch tree does not change it.
                }
            }
        }
    }

    private void restoreWhatRdumpLoses(String imageName, Path rootDisk, Path tree, List<Ext4Listing.Entry> entries)
            throws IOException, ImageException {
        Map<Long, Path> firstPathOfInode = new HashMap<>();
        List<Ext4Listing.Entry> devices = new ArrayList<>();
        for (Ext4Listing.Entry entry : entries) {
            Path path = tree.resolve(entry.path());
            switch (entry.type()) {
                case Ext4Listing.REGULAR -> {
                    Path first = firstPathOfInode.putIfAbsent(entry.inode(), path);
                    if (first != null) {
                        // rdump wrote a second copy; the guest had one file under two names.
                        Files.deleteIfExists(path);
                        Files.createLink(path, first);
                    }
                }
                case Ext4Listing.SYMLINK -> setOwner(path, entry);
                case CHARACTER_DEVICE, BLOCK_DEVICE -> devices.add(entry);
                case FIFO -> makeNode(imageName, path, entry, "p");
                default -> {
                    // Directories are dumped faithfully; sockets cannot be archived by tar anyway.
                }
            }
        }
        Map<String, String> deviceNumbers = deviceNumbers(imageName, rootDisk, devices);
        for (Ext4Listing.Entry device : devices) {
            String kind = device.type() == CHARACTER_DEVICE ? "c" : "b";
            makeNode(imageName, tree.resolve(device.path()), device, kind + " " + deviceNumbers.get(device.path()));
        }
        for (Ext4Listing.Entry entry : entries) {
            boolean fileOrDirectory = entry.type() == Ext4Listing.REGULAR || entry.type() == Ext4Listing.DIRECTORY;
            if ((entry.mode() & SPECIAL_BITS) != 0 && fileOrDirectory) {
                // chown after chmod clears set-user-ID and set-group-ID bits, so put them back last.
                Files.setAttribute(tree.resolve(entry.path()), "unix:mode", entry.mode() & 07777,
                        LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    /** Major and minor numbers, "major minor", read with one debugfs stat per device node. */
    private Map<String, String> deviceNumbers(String imageName, Path rootDisk, List<Ext4Listing.Entry> devices)
            throws ImageException {
        Map<String, String> numbers = new HashMap<>();
        if (devices.isEmpty()) {
            return numbers;
        }
        StringBuilder script = new StringBuilder();
        for (Ext4Listing.Entry device : devices) {
            script.append("stat ").append(Ext4Listing.quote("/" + device.path())).append('\n');
        }
        String output = Ext4Commands.runScript(tools, imageName, rootDisk, script.toString(),
                "device nodes of root disk '" + rootDisk + "' could not be read");
        int index = -1;
        for (String line : output.split("\n")) {
            if (line.startsWith("debugfs: ")) {
                index++;
            } else if (line.startsWith("Device major/minor number:") && index >= 0 && index < devices.size()) {
                // "Device major/minor number: 01:03 (hex 01:03)", decimal first.
                String[] pair = line.substring("Device major/minor number:".length()).strip().split("[: ]");
                numbers.put(devices.get(index).path(),
                        Integer.parseInt(pair[0]) + " " + Integer.parseInt(pair[1]));
            }
        }
        return numbers;
    }

    private void makeNode(String imageName, Path path, Ext4Listing.Entry entry, String kindAndNumbers)
            throws IOException, ImageException {
        Files.deleteIfExists(path);
        // The mode goes in at creation: setting it afterwards through Java opens the node, and opening
        // a FIFO blocks until someone opens its other end.
        List<String> args = new ArrayList<>(List.of("--mode", Integer.toOctalString(entry.mode() & 07777),
                path.toString()));
        args.addAll(List.of(kindAndNumbers.split(" ")));
        tools.run(imageName, "node '/" + entry.path() + "' could not be recreated", "mknod", args);
        setOwner(path, entry);
    }

    private static void setOwner(Path path, Ext4Listing.Entry entry) throws IOException {
        Files.setAttribute(path, "unix:uid", (int) entry.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", (int) entry.gid(), LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean isEmptyDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (var children = Files.list(directory)) {
            return children.findAny().isEmpty();
        }
    }

    private static void moveIntoPlace(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
