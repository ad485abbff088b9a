package org.wslx.warp.backend.qemu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a cpio archive in the "newc" format the kernel's initramfs unpacker reads. */
final class NewcArchive {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private int inode = 1;

    NewcArchive directory(String name) {
        return entry(name, 040755, new byte[0]);
    }

    NewcArchive file(String name, int mode, byte[] content) {
        return entry(name, 0100000 | mode, content);
    }

    private NewcArchive entry(String name, int mode, byte[] content) {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        String header = String.format("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", inode++, mode, 0, 0, 1, 0,
                content.length, 0, 0, 0, 0, nameBytes.length, 0);
        bytes.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        bytes.writeBytes(nameBytes);
        pad();
        bytes.writeBytes(content);
        pad();
        return this;
    }

    private void pad() {
        while (bytes.size() % 4 != 0) {
            bytes.write(0);
        }
    }

    Path writeTo(Path file) throws IOException {
        entry("TRAILER!!!", 0, new byte[0]);
        return Files.write(file, bytes.toByteArray());
    }
}
