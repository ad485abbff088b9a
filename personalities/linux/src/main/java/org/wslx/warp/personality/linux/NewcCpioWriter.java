package org.wslx.warp.personality.linux;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes a cpio archive in the "newc" format the Linux kernel unpacks into its initramfs: for each
 * entry a 110-byte ASCII header ({@code 070701} and thirteen 8-digit hexadecimal fields), the NUL
 * terminated name padded to a multiple of four, then the data padded to a multiple of four; the
 * archive ends with the entry {@code TRAILER!!!}. Timestamps and owners are fixed so the same
 * entries always give the same bytes.
 */
final class NewcCpioWriter {
    private static final String MAGIC = "070701";
    private static final int TYPE_DIRECTORY = 0040000;
    private static final int TYPE_REGULAR = 0100000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Set<String> names = new HashSet<>();
    private int nextInode = 1;
    private boolean finished;

    /** Adds a directory, e.g. {@code warp}; the name is relative, without a leading slash. */
    NewcCpioWriter directory(String name, int permissions) {
        entry(name, TYPE_DIRECTORY | (permissions & 07777), 2, new byte[0]);
        return this;
    }

    /** Adds a regular file with the given content. */
    NewcCpioWriter file(String name, int permissions, byte[] content) {
        entry(name, TYPE_REGULAR | (permissions & 07777), 1, content);
        return this;
    }

    /** Ends the archive with its trailer and returns all of its bytes. */
    byte[] finish() {
        if (!finished) {
            header("TRAILER!!!", 0, 0, 1, 0);
            finished = true;
        }
        return out.toByteArray();
    }

    private void entry(String name, int mode, int links, byte[] content) {
        if (finished) {
            throw new IllegalStateException("cpio archive: cannot add '" + name + "' after the trailer was written");
        }
        if (name.isEmpty() || name.startsWith("/") || name.equals("TRAILER!!!")) {
            throw new IllegalArgumentException("cpio archive: entry name '" + name
                    + "' must be a non-empty relative path other than TRAILER!!!");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("cpio archive: entry '" + name + "' was already added");
        }
        header(name, nextInode++, mode, links, content.length);
        out.writeBytes(content);
        pad();
    }

    private void header(String name, int inode, int mode, int links, int fileSize) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(110).append(MAGIC);
        // ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
        for (int field : new int[] { inode, mode, 0, 0, links, 0, fileSize, 0, 0, 0, 0, nameBytes.length + 1, 0 }) {
            h.append(String.format("%08X", field));
        }
        out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(nameBytes);
        out.write(0);
        pad();
    }

    private void pad() {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }
}
