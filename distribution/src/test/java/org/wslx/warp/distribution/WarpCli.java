package org.wslx.warp.distribution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code wslx} launcher, as a user would, against a service with its own private
 * data and runtime directories. The service is started by the first command and killed by
 * {@link #close()}.
 */
final class WarpCli implements AutoCloseable {
    /** What one command did. */
    record Result(int exitCode, byte[] stdoutBytes, byte[] stderrBytes) {
        String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        String stderr() {
            return new String(stderrBytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ", stdout=[" + stdout() + "], stderr=[" + stderr() + "]";
        }
    }

    private final Path launcher = Path.of(System.getProperty("warp.launcher", "wslx")).toAbsolutePath();
    private final Path state;
    private final String serviceOptions;

    WarpCli(String name, String serviceOptions) throws IOException {
        // Unix socket paths are limited to 108 bytes, so keep the tree short.
        this.state = Files.createTempDirectory(Path.of("/tmp"), "warp-" + name + "-");
        this.serviceOptions = serviceOptions;
    }

    Path stateDirectory() {
        return state;
    }

    Result run(String... args) {
        return run(new byte[0], args);
    }

    Result run(byte[] stdin, String... args) {
        Process process = start(args);
        CompletableFuture<byte[]> out = drain(process.getInputStream());
        CompletableFuture<byte[]> err = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // The command may exit without reading its stdin; that is its business.
        }
        return finish(process, out, err);
    }

    Process start(String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        return startCommand(command);
    }

    /**
     * Runs {@code wslx ARGS} on a pseudo-terminal, as from an interactive shell: util-linux
     * {@code script} gives it a terminal and copies {@code stdin} into it. Arguments must not
     * need shell quoting.
     */
    Result runOnTerminal(byte[] stdin, String... args) {
        String line = launcher + (args.length == 0 ? "" : " " + String.join(" ", args));
        Process process = startCommand(List.of("script", "--quiet", "--return", "--command", line, "/dev/null"));
        CompletableFuture<byte[]> out = drain(process.getInputStream());
        CompletableFuture<byte[]> err = drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin);
        } catch (IOException e) {
            // The command may exit without reading its stdin; that is its business.
        }
        return finish(process, out, err);
    }

    private Process startCommand(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("WARP_DATA_DIR", state.resolve("data").toString());
        env.put("WARP_RUNTIME_DIR", state.resolve("run").toString());
        env.put("WARP_SERVICE_OPTS", serviceOptions);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
    }

    static Result finish(Process process, CompletableFuture<byte[]> out, CompletableFuture<byte[]> err) {
        try {
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("wslx did not finish within 300 s");
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try (stream) {
                stream.transferTo(buffer);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return buffer.toByteArray();
        });
    }

    /** Stops every instance and the service this CLI started, whatever state they are in. */
    @Override
    public void close() {
        if (services().isEmpty()) {
            return; // asking would start a service only to stop it
        }
        run("--shutdown");
        services().forEach(ProcessHandle::destroy);
    }

    /** The service processes serving this CLI's runtime directory (one, once a command has run). */
    List<ProcessHandle> services() {
        String marker = "-Dwarp.runtime.dir=" + state.resolve("run");
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker) && c.contains("warp.jar")).orElse(false))
                .toList();
    }

    /**
     * Ends the service the way an operating system does at shutdown (SIGTERM, without asking it
     * first) and waits until it has gone, so the next command has to start a new one.
     */
    void terminateService() {
        for (ProcessHandle service : services()) {
            service.destroy();
            try {
                service.onExit().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                service.destroyForcibly();
                throw new AssertionError("service " + service.pid() + " did not end within 60 s of SIGTERM", e);
            }
        }
    }

    /** Stops the service (as {@link #close()}) and removes the private state tree with its root disks. */
    void closeAndDeleteState() {
        close();
        for (ProcessHandle service : services()) {
            service.onExit().orTimeout(60, TimeUnit.SECONDS).exceptionally(e -> service).join();
        }
        // A machine that outlived its service must not outlive the test as well.
        String mine = state.toString();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("qemu-system") && c.contains(mine)).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
        try (var paths = Files.walk(state)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the test state " + state, e);
        }
    }
}
