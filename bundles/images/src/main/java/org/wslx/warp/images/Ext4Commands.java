package org.wslx.warp.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.wslx.warp.image.ImageException;

/**
 * Runs debugfs scripts against a disk image. debugfs exits 0 even when a command fails, so its
 * stderr is the only sign of trouble: any line there other than its version banner is an error.
 */
final class Ext4Commands {
    private static final int EXT_SUPERBLOCK_OFFSET = 1024;
    private static final int EXT_MAGIC_OFFSET = EXT_SUPERBLOCK_OFFSET + 56;

    private Ext4Commands() {
    }

    /** Fails unless {@code disk} is a regular file holding an ext2/3/4 superblock. */
    static void requireExtFilesystem(String imageName, Path disk) throws ImageException {
        String subject = "image '" + imageName + "': root disk '" + disk + "'";
        if (!Files.exists(disk)) {
            throw new ImageException(subject + " does not exist");
        }
        if (!Files.isRegularFile(disk)) {
            throw new ImageException(subject + " is not a regular file");
        }
        byte[] magic;
        try (InputStream in = Files.newInputStream(disk)) {
            in.skipNBytes(EXT_MAGIC_OFFSET);
            magic = in.readNBytes(2);
        } catch (IOException e) {
            throw new ImageException(subject + " is too short to hold an ext4 filesystem", e);
        }
        if (magic.length != 2 || (magic[0] & 0xff) != 0x53 || (magic[1] & 0xff) != 0xef) {
            throw new ImageException(subject + " holds no ext4 filesystem");
        }
    }

    /** Runs {@code script} (one debugfs command per line) read-only against {@code disk}; returns stdout. */
    static String runScript(ExternalTools tools, String imageName, Path disk, String script, String what)
            throws ImageException {
        Path scriptFile = null;
        try {
            scriptFile = Files.createTempFile("warp-debugfs-", ".cmd");
            Files.writeString(scriptFile, script, StandardCharsets.UTF_8);
            ExternalTools.Output output = tools.run(imageName, what, "debugfs",
                    List.of("-f", scriptFile.toString(), disk.toString()));
            String errors = output.stderr().lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("debugfs "))
                    .collect(Collectors.joining("; "));
            if (!errors.isEmpty()) {
                throw new ImageToolException("image '" + imageName + "': " + what + ": debugfs reported " + errors);
            }
            return output.stdout();
        } catch (IOException e) {
            throw new ImageException("image '" + imageName + "': " + what + " (" + e.getMessage() + ")", e);
        } finally {
            if (scriptFile != null) {
                try {
                    Files.deleteIfExists(scriptFile);
                } catch (IOException ignored) {
                    // A stray script in the temp directory is harmless.
                }
            }
        }
    }
}
