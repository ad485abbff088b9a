package org.wslx.warp.personality.trackb;

import java.util.HexFormat;

/**
 * One object of an archive, as its index describes it.
 *
 * @param name   the object name, e.g. {@code bin/hello}
 * @param offset where its data starts in the archive
 * @param length its data's length in bytes
 * @param sha256 the SHA-256 of the data
 * @param flags  {@link ArchiveLayout#FLAG_EXECUTABLE} or 0
 */
record ArchiveEntry(String name, long offset, long length, byte[] sha256, int flags) {
    ArchiveEntry {
        sha256 = sha256.clone();
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    boolean executable() {
        return (flags & ArchiveLayout.FLAG_EXECUTABLE) != 0;
    }

    String sha256Hex() {
        return HexFormat.of().formatHex(sha256);
    }
}
