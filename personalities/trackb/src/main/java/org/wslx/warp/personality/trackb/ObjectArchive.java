package org.wslx.warp.personality.trackb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An archive whose header, index and digests {@link ArchiveReader} has checked: the objects by
 * name, in index order, and their data read on demand.
 */
final class ObjectArchive {
    private final Path file;
    private final long archiveBytes;
    private final Map<String, ArchiveEntry> entries;

    ObjectArchive(Path file, long archiveBytes, List<ArchiveEntry> entries) {
        this.file = file;
        this.archiveBytes = archiveBytes;
        Map<String, ArchiveEntry> byName = new LinkedHashMap<>();
        entries.forEach(e -> byName.put(e.name(), e));
        this.entries = Collections.unmodifiableMap(byName);
    }

    Path file() {
        return file;
    }

    long archiveBytes() {
        return archiveBytes;
    }

    List<ArchiveEntry> entries() {
        return List.copyOf(entries.values());
    }

    Optional<ArchiveEntry> find(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** An object's data; objects are read whole, so this is for manifests and programs, not bulk data. */
    byte[] read(ArchiveEntry entry) throws ArchiveException {
        if (entry.length() > Integer.MAX_VALUE - 8) {
            throw new ArchiveException("archive '" + file + "': object '" + entry.name() + "' has " + entry.length()
                    + " bytes, too many to read at once");
        }
        ByteBuffer data = ByteBuffer.allocate((int) entry.length());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (data.hasRemaining()) {
                if (channel.read(data, entry.offset() + data.position()) < 0) {
                    throw new ArchiveException("archive '" + file + "': object '" + entry.name()
                            + "' ends early; the file was truncated after it was checked");
                }
            }
        } catch (IOException e) {
            throw new ArchiveException("archive '" + file + "': cannot read object '" + entry.name() + "': "
                    + e.getMessage(), e);
        }
        return data.array();
    }
}
