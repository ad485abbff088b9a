package org.wslx.warp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the numbers were measured on, read from /proc and the tools themselves. */
final class MachineFacts {
    private MachineFacts() {
    }

    static int processors() {
        return Runtime.getRuntime().availableProcessors();
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            return "unknown (/proc/cpuinfo unreadable)";
        }
        return "unknown";
    }

    static String hostKernel() {
        return firstLine(Path.of("/proc/sys/kernel/osrelease"));
    }

    /** The 1, 5 and 15 minute load averages: how busy the shared host was. */
    static String loadAverage() {
        String line = firstLine(Path.of("/proc/loadavg"));
        String[] parts = line.split(" ");
        return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : line;
    }

    /** The first line {@code binary --version} prints, e.g. "QEMU emulator version 7.2.22 (Debian ...)". */
    static String versionOf(String binary) {
        try {
            Process p = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
            String first;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                first = r.readLine();
            }
            p.waitFor();
            return first == null ? "unknown" : first.strip();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String firstLine(Path file) {
        try {
            return Files.readAllLines(file).get(0).strip();
        } catch (IOException | IndexOutOfBoundsException e) {
            return "unknown";
        }
    }
}
