package org.wslx.warp.boot.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** An uncompressed x86-64 ELF kernel image (vmlinux), as loaded by its 64-bit or PVH entry. */
record ElfKernel(int type, long entry, int programHeaders) {
    static final int HEADER_LENGTH = 64;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int EM_X86_64 = 0x3E;
    private static final byte[] BANNER = "Linux version ".getBytes(StandardCharsets.US_ASCII);

    static boolean hasMagic(ByteBuffer image) {
        return image.limit() >= 4 && image.get(0) == 0x7F && image.get(1) == 'E' && image.get(2) == 'L' && image.get(3) == 'F';
    }

    /** Returns why this ELF file is not an x86-64 little-endian executable, or null if it is one. */
    static String unsupportedReason(ByteBuffer image) {
        if (image.limit() < HEADER_LENGTH) {
            return "its ELF header is truncated (" + image.limit() + " bytes)";
        }
        if (image.get(4) != ELFCLASS64) {
            return "it is a 32-bit ELF file, not ELF64";
        }
        if (image.get(5) != ELFDATA2LSB) {
            return "it is a big-endian ELF file";
        }
        int machine = Short.toUnsignedInt(image.duplicate().order(ByteOrder.LITTLE_ENDIAN).getShort(18));
        if (machine != EM_X86_64) {
            return "its ELF machine is 0x" + Integer.toHexString(machine) + ", not x86-64 (0x3e)";
        }
        return null;
    }

    static ElfKernel parse(ByteBuffer image) {
        ByteBuffer b = image.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return new ElfKernel(Short.toUnsignedInt(b.getShort(16)), b.getLong(24), Short.toUnsignedInt(b.getShort(56)));
    }

    /**
     * A vmlinux has no header field pointing at its version, but its linux_banner string is in the
     * read-only data; scanning for it streams the file once.
     */
    static String findBanner(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] chunk = new byte[1 << 20];
            byte[] carry = new byte[0];
            int read;
            while ((read = in.readNBytes(chunk, 0, chunk.length)) > 0) {
                byte[] window = new byte[carry.length + read];
                System.arraycopy(carry, 0, window, 0, carry.length);
                System.arraycopy(chunk, 0, window, carry.length, read);
                int at = indexOf(window, BANNER);
                if (at >= 0 && window.length - at > 256) {
                    return lineAt(window, at + BANNER.length);
                }
                if (at >= 0) {
                    // The banner straddles the chunk end: keep it whole in the next window.
                    carry = Arrays.copyOfRange(window, at, window.length);
                } else {
                    carry = Arrays.copyOfRange(window, Math.max(0, window.length - BANNER.length), window.length);
                }
                if (read < chunk.length) {
                    return at >= 0 ? lineAt(window, at + BANNER.length) : "";
                }
            }
            return "";
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String lineAt(byte[] window, int start) {
        int end = start;
        while (end < window.length && window[end] != 0 && window[end] != '\n') {
            end++;
        }
        return new String(window, start, end - start, StandardCharsets.US_ASCII).trim();
    }

    Map<String, String> details() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("ELF type", type == 2 ? "executable" : type == 3 ? "shared object" : Integer.toString(type));
        details.put("entry", "0x" + Long.toHexString(entry));
        details.put("program headers", Integer.toString(programHeaders));
        return details;
    }
}
