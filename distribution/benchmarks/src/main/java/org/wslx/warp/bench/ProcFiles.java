package org.wslx.warp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Facts about processes read from /proc (ProcessHandle.Info may cut long command lines short). */
final class ProcFiles {
    private ProcFiles() {
    }

    /** The command line of {@code pid} as its argv, empty when the process is gone or unreadable. */
    static List<String> argv(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String text = new String(raw, StandardCharsets.UTF_8);
            if (text.endsWith("\0")) {
                text = text.substring(0, text.length() - 1);
            }
            return text.isEmpty() ? List.of() : Arrays.asList(text.split("\0", -1));
        } catch (IOException e) {
            return List.of();
        }
    }

    static String commandLine(long pid) {
        return String.join(" ", argv(pid));
    }

    /** The running process whose argv contains {@code argument} exactly. */
    static Optional<ProcessHandle> withArgument(String argument) {
        return ProcessHandle.allProcesses().filter(p -> argv(p.pid()).contains(argument)).findFirst();
    }
}
