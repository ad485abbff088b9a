package org.wslx.warp.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Finds and runs the host programs the image store relies on (GNU tar, e2fsprogs, compressors).
 * Every run has a deadline and its stderr ends up in the exception, because the tool's own words are
 * usually the best explanation of what is wrong with an archive or a disk.
 */
final class ExternalTools {
    /** Which Debian package provides each program, so a missing one can be named in the error. */
    private static final Map<String, String> DEBIAN_PACKAGES = Map.of(
            "tar", "tar",
            "mke2fs", "e2fsprogs",
            "debugfs", "e2fsprogs",
            "mknod", "coreutils",
            "gzip", "gzip",
            "xz", "xz-utils",
            "zstd", "zstd",
            "bzip2", "bzip2");

    /** e2fsprogs lives in sbin, which is often missing from a service's PATH. */
    private static final List<String> EXTRA_DIRECTORIES = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

    private static final int STDERR_KEPT_CHARS = 4000;

    private final Map<String, Path> resolved = new ConcurrentHashMap<>();
    private final Duration timeout;

    ExternalTools(Duration timeout) {
        this.timeout = timeout;
    }

    /** The tool's absolute path; looked up once, at first use. */
    Path locate(String imageName, String tool) throws ImageToolException {
        Path found = resolved.get(tool);
        if (found != null) {
            return found;
        }
        for (String directory : searchPath()) {
            Path candidate = Path.of(directory, tool);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                resolved.put(tool, candidate);
                return candidate;
            }
        }
        throw new ImageToolException("image '" + imageName + "': the program '" + tool
                + "' is not installed on this host (install the Debian package '"
                + DEBIAN_PACKAGES.getOrDefault(tool, tool) + "')");
    }

    private static Set<String> searchPath() {
        Set<String> directories = new LinkedHashSet<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(":")) {
                if (!entry.isEmpty()) {
                    directories.add(entry);
                }
            }
        }
        directories.addAll(EXTRA_DIRECTORIES);
        return directories;
    }

    /**
     * Runs {@code tool args...} and returns what it printed. Fails when the tool exits non-zero, runs
     * past the deadline, or cannot be started.
     *
     * @param what a phrase naming the step, used in the error ("tar '/x.tar' could not be listed")
     */
    Output run(String imageName, String what, String tool, List<String> args) throws ImageToolException {
        List<String> command = new ArrayList<>();
        command.add(locate(imageName, tool).toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        // A fixed locale keeps the tools' messages, and debugfs's output format, predictable.
        builder.environment().put("LC_ALL", "C");
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ImageToolException("image '" + imageName + "': " + what + ": " + tool
                    + " could not be started (" + e.getMessage() + ")", e);
        }
        StreamCollector stdout = new StreamCollector(process.getInputStream(), Integer.MAX_VALUE);
        StreamCollector stderr = new StreamCollector(process.getErrorStream(), STDERR_KEPT_CHARS);
        stdout.start();
        stderr.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new ImageToolException("image '" + imageName + "': " + what + ": " + tool
                        + " did not finish within " + (timeout.toMillis() < 1000 ? timeout.toMillis() + " ms"
                        : timeout.toSeconds() + " s") + " and was stopped");
            }
            stdout.join();
            stderr.join();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ImageToolException("image '" + imageName + "': " + what + ": interrupted while "
                    + tool + " was running", e);
        }
        int exit = process.exitValue();
        if (exit != 0) {
            String message = stderr.text().strip();
            throw new ImageToolException("image '" + imageName + "': " + what + ": " + tool + " exited with "
                    + exit + (message.isEmpty() ? "" : " (" + message.replace('\n', ' ') + ")"));
        }
        return new Output(stdout.text(), stderr.text());
    }

    /** A finished tool's stdout, and the tail of its stderr. */
    record Output(String stdout, String stderr) {
    }

    /** Reads a process stream on its own thread so neither pipe can fill up and stall the tool. */
    private static final class StreamCollector extends Thread {
        private final InputStream stream;
        private final int keptChars;
        private final StringBuilder text = new StringBuilder();

        StreamCollector(InputStream stream, int keptChars) {
            super("image-tool-stream");
            setDaemon(true);
            this.stream = stream;
            this.keptChars = keptChars;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (InputStream in = stream) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    synchronized (text) {
                        text.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                        // Keep the tail: the last lines of stderr say why a tool gave up.
                        if (text.length() > keptChars) {
                            text.delete(0, text.length() - keptChars);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }
    }
}
