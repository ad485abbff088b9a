package org.wslx.warp.backend.qemu;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The last lines of a log file that may be large and may contain terminal escape sequences. */
final class Tails {
    /** Enough for a few dozen console lines without reading a long boot log whole. */
    private static final int WINDOW = 64 * 1024;

    private Tails() {
    }

    static String lastLines(Path file, int lines) {
        if (lines <= 0 || !Files.isRegularFile(file)) {
            return "";
        }
        byte[] bytes;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long from = Math.max(0, length - WINDOW);
            bytes = new byte[(int) (length - from)];
            in.seek(from);
            in.readFully(bytes);
        } catch (IOException e) {
            return "(" + file + " cannot be read: " + e.getMessage() + ")";
        }
        String text = printable(new String(bytes, StandardCharsets.UTF_8));
        List<String> all = Arrays.asList(text.split("\n"));
        int end = all.size();
        while (end > 0 && all.get(end - 1).isBlank()) {
            end--;
        }
        return String.join("\n", all.subList(Math.max(0, end - lines), end));
    }

    /** Drops ANSI escape sequences (firmware clears the screen) and other control characters. */
    static String printable(String text) {
        return text.replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "").replaceAll("\u001Bc", "")
                .replace("\r", "").replaceAll("[\\p{Cntrl}&&[^\n\t]]", "");
    }
}
