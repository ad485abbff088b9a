package org.wslx.warp.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * How a source tar is wrapped, told by its first bytes: a file's name says nothing reliable (WSL's
 * {@code .wsl} files are gzip-compressed tars, and people rename archives freely).
 */
enum ArchiveFormat {
    PLAIN("tar", null, null),
    GZIP("tar+gzip", "gzip", "--gzip"),
    XZ("tar+xz", "xz", "--xz"),
    ZSTD("tar+zstd", "zstd", "--zstd"),
    BZIP2("tar+bzip2", "bzip2", "--bzip2");

    private static final int TAR_MAGIC_OFFSET = 257;
    private static final byte[] TAR_MAGIC = "ustar".getBytes(StandardCharsets.US_ASCII);

    private final String label;
    private final String compressor;
    private final String tarOption;

    ArchiveFormat(String label, String compressor, String tarOption) {
        this.label = label;
        this.compressor = compressor;
        this.tarOption = tarOption;
    }

    /** The name recorded in the manifest, e.g. {@code tar+gzip}. */
    String label() {
        return label;
    }

    /** The program tar hands the stream to, if any. */
    Optional<String> compressor() {
        return Optional.ofNullable(compressor);
    }

    /** The GNU tar option selecting that program, if any. */
    Optional<String> tarOption() {
        return Optional.ofNullable(tarOption);
    }

    /** Recognises the format from the file's header; empty when it is none of the known ones. */
    static Optional<ArchiveFormat> detect(Path file) throws IOException {
        byte[] head = new byte[TAR_MAGIC_OFFSET + TAR_MAGIC.length];
        int length;
        try (InputStream in = Files.newInputStream(file)) {
            length = in.readNBytes(head, 0, head.length);
        }
        if (startsWith(head, length, 0x1f, 0x8b)) {
            return Optional.of(GZIP);
        }
        if (startsWith(head, length, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
            return Optional.of(XZ);
        }
        if (startsWith(head, length, 0x28, 0xb5, 0x2f, 0xfd)) {
            return Optional.of(ZSTD);
        }
        if (startsWith(head, length, 'B', 'Z', 'h') && length > 3 && head[3] >= '1' && head[3] <= '9') {
            return Optional.of(BZIP2);
        }
        if (length == head.length && Arrays.equals(head, TAR_MAGIC_OFFSET, head.length, TAR_MAGIC, 0,
                TAR_MAGIC.length)) {
            return Optional.of(PLAIN);
        }
        return Optional.empty();
    }

    /** The compression to use when writing {@code target}, chosen by its name as the contract says. */
    static ArchiveFormat forTarget(Path target) {
        String name = target.getFileName().toString();
        if (name.endsWith(".gz") || name.endsWith(".tgz") || name.endsWith(".wsl")) {
            return GZIP;
        }
        if (name.endsWith(".xz") || name.endsWith(".txz")) {
            return XZ;
        }
        if (name.endsWith(".zst") || name.endsWith(".tzst")) {
            return ZSTD;
        }
        if (name.endsWith(".bz2") || name.endsWith(".tbz2")) {
            return BZIP2;
        }
        return PLAIN;
    }

    private static boolean startsWith(byte[] head, int length, int... magic) {
        if (length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
