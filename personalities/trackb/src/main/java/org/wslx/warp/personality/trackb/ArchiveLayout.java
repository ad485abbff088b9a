package org.wslx.warp.personality.trackb;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The numbers of IMAGE-FORMAT.md §1, in one place, for the reader and the writer. */
final class ArchiveLayout {
    static final byte[] MAGIC = "WARPOBJS".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 64;
    static final int PAGE = 4096;
    static final int MAX_OBJECTS = 4096;
    /** An index entry's bytes before its name. */
    static final int ENTRY_FIXED_BYTES = 56;
    static final int MAX_NAME_BYTES = 255;
    static final int FLAG_EXECUTABLE = 1;
    static final int KNOWN_FLAGS = FLAG_EXECUTABLE;
    static final int DIGEST_BYTES = 32;
    static final String MANIFEST = "manifest.json";

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

    private ArchiveLayout() {
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    /** Bytes one index entry takes with a name of {@code nameBytes} bytes, padding included. */
    static int entryBytes(int nameBytes) {
        return (int) alignUp(ENTRY_FIXED_BYTES + nameBytes, 8);
    }

    /** Why {@code name} is not a valid object name, or null when it is. */
    static String nameProblem(String name) {
        if (name.isEmpty()) {
            return "the name is empty";
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
            return "the name has " + bytes + " bytes, more than " + MAX_NAME_BYTES;
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty()) {
                return "the name has an empty path segment";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "the name has a '" + segment + "' segment";
            }
            if (!SEGMENT.matcher(segment).matches()) {
                return "the name has characters other than A-Z, a-z, 0-9, '.', '_', '-' and '/'";
            }
        }
        return null;
    }
}
