package org.wslx.warp.boot.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.wslx.warp.boot.BootException;
import org.wslx.warp.boot.GuestMemoryTarget;

/**
 * Several initrds as the one ramdisk the boot protocol passes: the kernel unpacks cpio archives
 * placed back to back, each starting on a four-byte boundary, skipping the zero padding between.
 */
final class InitrdImage {
    private InitrdImage() {
    }

    static long size(List<Path> files) throws BootException {
        long total = 0;
        for (Path file : files) {
            try {
                total = padded(total) + Files.size(file);
            } catch (IOException e) {
                throw new BootException("initrd '" + file + "': cannot read it: " + e.getMessage(), e);
            }
        }
        return total;
    }

    static void write(List<Path> files, GuestMemoryTarget memory, long address) throws BootException {
        long offset = 0;
        for (Path file : files) {
            long start = padded(offset);
            if (start > offset) {
                memory.zero(address + offset, start - offset);
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = channel.size();
                if (size > 0) {
                    ByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
                    memory.write(address + start, bytes);
                }
                offset = start + size;
            } catch (IOException | UncheckedIOException e) {
                throw new BootException("initrd '" + file + "': cannot read it: " + e.getMessage(), e);
            }
        }
    }

    private static long padded(long offset) {
        return (offset + 3) & ~3L;
    }
}
