package org.wslx.warp.personality.trackb;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes an object-store archive (IMAGE-FORMAT.md §1): header, index, then every object on its own
 * page, in the order added. Names are checked as the reader checks them, so what this writes the
 * reader accepts.
 */
final class ArchiveWriter {
    private record Pending(String name, byte[] data, int flags) {
    }

    private final List<Pending> objects = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    ArchiveWriter add(String name, byte[] data, boolean executable) {
        String problem = ArchiveLayout.nameProblem(name);
        if (problem != null) {
            throw new IllegalArgumentException("object '" + name + "': " + problem);
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("object '" + name + "' is added twice");
        }
        if (objects.size() == ArchiveLayout.MAX_OBJECTS) {
            throw new IllegalArgumentException("an archive holds at most " + ArchiveLayout.MAX_OBJECTS + " objects");
        }
        objects.add(new Pending(name, data.clone(), executable ? ArchiveLayout.FLAG_EXECUTABLE : 0));
        return this;
    }

    /** The whole archive's size once written. */
    long archiveBytes() {
        long at = firstDataOffset();
        for (Pending p : objects) {
            at += ArchiveLayout.alignUp(p.data().length, ArchiveLayout.PAGE);
        }
        return at;
    }

    /** Writes the archive to {@code target}, creating it with {@code attributes} (e.g. owner-only permissions). */
    void write(Path target, FileAttribute<?>... attributes) throws IOException {
        if (objects.isEmpty()) {
            throw new IllegalStateException("an archive needs at least one object");
        }
        Files.deleteIfExists(target);
        Files.createFile(target, attributes);
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            write(out);
        }
    }

    void write(OutputStream out) throws IOException {
        long indexBytes = indexBytes();
        long archiveBytes = archiveBytes();
        ByteBuffer head = ByteBuffer.allocate((int) firstDataOffset()).order(ByteOrder.LITTLE_ENDIAN);
        head.put(ArchiveLayout.MAGIC).putInt(ArchiveLayout.FORMAT_VERSION).putInt(objects.size())
                .putLong(ArchiveLayout.HEADER_BYTES).putLong(indexBytes).putLong(archiveBytes);
        head.position(ArchiveLayout.HEADER_BYTES);
        long offset = firstDataOffset();
        for (Pending p : objects) {
            byte[] name = p.name().getBytes(StandardCharsets.UTF_8);
            int start = head.position();
            head.putLong(offset).putLong(p.data().length).put(ArchiveReader.sha256().digest(p.data()))
                    .putInt(p.flags()).putShort((short) name.length).putShort((short) 0).put(name);
            head.position(start + ArchiveLayout.entryBytes(name.length));
            offset += ArchiveLayout.alignUp(p.data().length, ArchiveLayout.PAGE);
        }
        out.write(head.array());
        for (Pending p : objects) {
            out.write(p.data());
            out.write(new byte[(int) (ArchiveLayout.alignUp(p.data().length, ArchiveLayout.PAGE) - p.data().length)]);
        }
    }

    private long indexBytes() {
        long bytes = 0;
        for (Pending p : objects) {
            bytes += ArchiveLayout.entryBytes(p.name().getBytes(StandardCharsets.UTF_8).length);
        }
        return bytes;
    }

    private long firstDataOffset() {
        return ArchiveLayout.alignUp(ArchiveLayout.HEADER_BYTES + indexBytes(), ArchiveLayout.PAGE);
    }
}
