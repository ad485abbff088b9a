package org.wslx.warp.personality.trackb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Reads an object-store archive (IMAGE-FORMAT.md §1) and trusts nothing in it: every offset and
 * length is checked against the file before it is used, names are validated, object ranges may not
 * overlap each other or the index, and every object's SHA-256 is recomputed.
 */
final class ArchiveReader {
    private static final int DIGEST_CHUNK = 1 << 16;

    private ArchiveReader() {
    }

    static ObjectArchive open(Path file) throws ArchiveException {
        String where = "archive '" + file.getFileName() + "'";
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileBytes = channel.size();
            if (fileBytes < ArchiveLayout.HEADER_BYTES) {
                throw new ArchiveException(where + " has " + fileBytes + " bytes, fewer than its "
                        + ArchiveLayout.HEADER_BYTES + "-byte header: it is truncated or not a Track B archive");
            }
            ByteBuffer header = readFully(channel, 0, ArchiveLayout.HEADER_BYTES, where, "header");
            long indexBytes = checkHeader(header, fileBytes, where);
            int objectCount = header.getInt(12);
            ByteBuffer index = readFully(channel, ArchiveLayout.HEADER_BYTES, (int) indexBytes, where, "index");
            List<ArchiveEntry> entries = parseIndex(index, objectCount, fileBytes, where);
            checkOverlaps(entries, ArchiveLayout.HEADER_BYTES + indexBytes, where);
            for (ArchiveEntry entry : entries) {
                verifyDigest(channel, entry, where);
            }
            return new ObjectArchive(file, fileBytes, entries);
        } catch (NoSuchFileException e) {
            throw new ArchiveException(where + " does not exist (" + file + ")", e);
        } catch (IOException e) {
            throw new ArchiveException(where + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Returns indexBytes once the header is known to be sound. */
    private static long checkHeader(ByteBuffer header, long fileBytes, String where) throws ArchiveException {
        byte[] magic = new byte[ArchiveLayout.MAGIC.length];
        header.get(0, magic);
        if (!Arrays.equals(magic, ArchiveLayout.MAGIC)) {
            throw new ArchiveException(where + " does not start with the magic 'WARPOBJS': it is not a Track B archive");
        }
        int version = header.getInt(8);
        if (version != ArchiveLayout.FORMAT_VERSION) {
            throw new ArchiveException(where + " has format version " + Integer.toUnsignedString(version)
                    + "; this reader understands version " + ArchiveLayout.FORMAT_VERSION);
        }
        int objectCount = header.getInt(12);
        if (objectCount < 1 || objectCount > ArchiveLayout.MAX_OBJECTS) {
            throw new ArchiveException(where + ": object count " + Integer.toUnsignedString(objectCount)
                    + " is outside 1 … " + ArchiveLayout.MAX_OBJECTS);
        }
        long indexOffset = header.getLong(16);
        long indexBytes = header.getLong(24);
        long archiveBytes = header.getLong(32);
        if (indexOffset != ArchiveLayout.HEADER_BYTES) {
            throw new ArchiveException(where + ": the index offset is " + Long.toUnsignedString(indexOffset)
                    + ", not " + ArchiveLayout.HEADER_BYTES);
        }
        if (archiveBytes != fileBytes) {
            throw new ArchiveException(where + ": the header says the archive has " + Long.toUnsignedString(archiveBytes)
                    + " bytes but the file has " + fileBytes + " bytes: it is truncated or has trailing data");
        }
        if (archiveBytes % ArchiveLayout.PAGE != 0) {
            throw new ArchiveException(where + ": its size " + archiveBytes + " is not a multiple of " + ArchiveLayout.PAGE);
        }
        long minimumIndex = (long) objectCount * ArchiveLayout.entryBytes(1);
        long maximumIndex = (long) objectCount * ArchiveLayout.entryBytes(ArchiveLayout.MAX_NAME_BYTES);
        if (indexBytes < minimumIndex || indexBytes > maximumIndex || indexBytes % 8 != 0
                || indexBytes > archiveBytes - ArchiveLayout.HEADER_BYTES) {
            throw new ArchiveException(where + ": the index size " + Long.toUnsignedString(indexBytes) + " cannot hold "
                    + objectCount + " entries inside an archive of " + archiveBytes + " bytes");
        }
        for (int i = 40; i < ArchiveLayout.HEADER_BYTES; i++) {
            if (header.get(i) != 0) {
                throw new ArchiveException(where + ": reserved header byte " + i + " is not zero");
            }
        }
        return indexBytes;
    }

    private static List<ArchiveEntry> parseIndex(ByteBuffer index, int objectCount, long archiveBytes, String where)
            throws ArchiveException {
        List<ArchiveEntry> entries = new ArrayList<>(objectCount);
        Set<String> names = new HashSet<>();
        int at = 0;
        for (int i = 0; i < objectCount; i++) {
            String entryWhere = where + ": index entry " + i;
            if (index.limit() - at < ArchiveLayout.ENTRY_FIXED_BYTES) {
                throw new ArchiveException(entryWhere + " runs past the end of the index");
            }
            long offset = index.getLong(at);
            long length = index.getLong(at + 8);
            byte[] digest = new byte[ArchiveLayout.DIGEST_BYTES];
            index.get(at + 16, digest);
            int flags = index.getInt(at + 48);
            int nameLength = Short.toUnsignedInt(index.getShort(at + 52));
            int reserved = Short.toUnsignedInt(index.getShort(at + 54));
            if (nameLength < 1 || nameLength > ArchiveLayout.MAX_NAME_BYTES) {
                throw new ArchiveException(entryWhere + " has a name length of " + nameLength + " (1 … "
                        + ArchiveLayout.MAX_NAME_BYTES + " allowed)");
            }
            int size = ArchiveLayout.entryBytes(nameLength);
            if (index.limit() - at < size) {
                throw new ArchiveException(entryWhere + " runs past the end of the index");
            }
            byte[] nameBytes = new byte[nameLength];
            index.get(at + ArchiveLayout.ENTRY_FIXED_BYTES, nameBytes);
            String name = decodeName(nameBytes, entryWhere);
            String objectWhere = where + ": object '" + name + "'";
            String problem = ArchiveLayout.nameProblem(name);
            if (problem != null) {
                throw new ArchiveException(objectWhere + " has an invalid name: " + problem);
            }
            if (!names.add(name)) {
                throw new ArchiveException(objectWhere + " appears twice in the index");
            }
            if ((flags & ~ArchiveLayout.KNOWN_FLAGS) != 0 || reserved != 0) {
                throw new ArchiveException(objectWhere + " has unknown flags 0x" + Integer.toHexString(flags)
                        + " or a non-zero reserved field");
            }
            for (int p = at + ArchiveLayout.ENTRY_FIXED_BYTES + nameLength; p < at + size; p++) {
                if (index.get(p) != 0) {
                    throw new ArchiveException(objectWhere + ": the padding after its name is not zero");
                }
            }
            if (offset < 0 || offset % ArchiveLayout.PAGE != 0 || offset > archiveBytes) {
                throw new ArchiveException(objectWhere + " starts at " + Long.toUnsignedString(offset)
                        + ", which is not a page-aligned offset inside the archive's " + archiveBytes + " bytes");
            }
            if (length < 0 || length > archiveBytes - offset) {
                throw new ArchiveException(objectWhere + " at offset " + offset + " claims "
                        + Long.toUnsignedString(length) + " bytes, past the end of the archive (" + archiveBytes + " bytes)");
            }
            entries.add(new ArchiveEntry(name, offset, length, digest, flags));
            at += size;
        }
        if (at != index.limit()) {
            throw new ArchiveException(where + ": the index has " + (index.limit() - at)
                    + " bytes after its last entry");
        }
        return entries;
    }

    private static String decodeName(byte[] bytes, String where) throws ArchiveException {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new ArchiveException(where + " has a name that is not valid UTF-8");
        }
    }

    /** Objects must lie after the index and not share bytes; empty objects take no room. */
    private static void checkOverlaps(List<ArchiveEntry> entries, long endOfIndex, String where) throws ArchiveException {
        List<ArchiveEntry> byOffset = entries.stream().filter(e -> e.length() > 0)
                .sorted(Comparator.comparingLong(ArchiveEntry::offset)).toList();
        ArchiveEntry previous = null;
        for (ArchiveEntry entry : byOffset) {
            if (entry.offset() < endOfIndex) {
                throw new ArchiveException(where + ": object '" + entry.name() + "' at offset " + entry.offset()
                        + " overlaps the header and index, which end at " + endOfIndex);
            }
            if (previous != null && previous.offset() + previous.length() > entry.offset()) {
                throw new ArchiveException(where + ": object '" + entry.name() + "' [" + entry.offset() + ", "
                        + (entry.offset() + entry.length()) + ") overlaps object '" + previous.name() + "' ["
                        + previous.offset() + ", " + (previous.offset() + previous.length()) + ")");
            }
            previous = entry;
        }
    }

    private static void verifyDigest(FileChannel channel, ArchiveEntry entry, String where)
            throws IOException, ArchiveException {
        MessageDigest digest = sha256();
        ByteBuffer chunk = ByteBuffer.allocate(DIGEST_CHUNK);
        long position = entry.offset();
        long end = entry.offset() + entry.length();
        while (position < end) {
            chunk.clear().limit((int) Math.min(DIGEST_CHUNK, end - position));
            int n = channel.read(chunk, position);
            if (n < 0) {
                throw new ArchiveException(where + ": object '" + entry.name() + "' ends early");
            }
            digest.update(chunk.flip());
            position += n;
        }
        byte[] actual = digest.digest();
        if (!Arrays.equals(actual, entry.sha256())) {
            throw new ArchiveException(where + ": object '" + entry.name() + "' has SHA-256 "
                    + HexFormat.of().formatHex(actual) + " but the index records " + entry.sha256Hex()
                    + ": the archive is corrupt");
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int bytes, String where, String what)
            throws IOException, ArchiveException {
        ByteBuffer buffer = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new ArchiveException(where + ": the " + what + " is truncated");
            }
        }
        return buffer.flip();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the Java runtime has no SHA-256", e);
        }
    }
}
