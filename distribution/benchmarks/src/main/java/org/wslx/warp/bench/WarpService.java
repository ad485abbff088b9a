package org.wslx.warp.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A private WARP service for the benchmarks: its own data and runtime directories, started through
 * {@code distribution/wslx} (the way a user starts it), driven over its socket with {@link #link()}
 * and stopped at the end of each phase.
 */
public final class WarpService {
    private final Path wslx;
    private final Path dataDirectory;
    private final Path runtimeDirectory;
    private final String serviceOptions;

    public WarpService(Path wslx, Path dataDirectory, Path runtimeDirectory, String serviceOptions) {
        this.wslx = wslx;
        this.dataDirectory = dataDirectory;
        this.runtimeDirectory = runtimeDirectory;
        this.serviceOptions = serviceOptions;
    }

    Path runtimeDirectory() {
        return runtimeDirectory;
    }

    Path instanceRuntimeDirectory(String instance) {
        return runtimeDirectory.resolve("instances").resolve(instance);
    }

    public LinkExec link() {
        return new LinkExec(runtimeDirectory);
    }

    /** A {@code distribution/wslx} process with this service's environment; output goes to /dev/null. */
    ProcessBuilder wslxProcess(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(wslx.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = builder.environment();
        env.put("WARP_DATA_DIR", dataDirectory.toString());
        env.put("WARP_RUNTIME_DIR", runtimeDirectory.toString());
        env.put("WARP_SERVICE_OPTS", serviceOptions);
        return builder;
    }

    /** Runs wslx (starting the service if none answers) and requires exit code 0. */
    public void wslx(List<String> args, long timeoutSeconds) throws IOException, InterruptedException {
        Process process = wslxProcess(args).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("wslx " + String.join(" ", args) + ": still running after " + timeoutSeconds + " s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("wslx " + String.join(" ", args) + ": exited with " + process.exitValue()
                    + " (service log: " + runtimeDirectory.resolve("service.log") + ")");
        }
    }

    /** Stops every instance, then ends this service's JVM, which stays up after --shutdown. */
    public void stop() throws IOException, InterruptedException {
        if (Files.exists(runtimeDirectory.resolve("service.sock"))) {
            try {
                link().run(List.of("--shutdown"));
            } catch (IOException e) {
                // nobody answered: the JVM below is all that can be left
            }
        }
        Optional<ProcessHandle> jvm = serviceJvm();
        if (jvm.isPresent()) {
            ProcessHandle service = jvm.get();
            service.destroy();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (service.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (service.isAlive()) {
                service.destroyForcibly();
            }
        }
    }

    /** The java process whose command line names this service's runtime directory and warp.jar. */
    public Optional<ProcessHandle> serviceJvm() {
        String marker = "-Dwarp.runtime.dir=" + runtimeDirectory;
        return ProcessHandle.allProcesses().filter(p -> {
            String line = ProcFiles.commandLine(p.pid());
            return line.contains(marker) && line.contains("warp.jar") && !line.contains("org.wslx.warp.cli.Wslx");
        }).findFirst();
    }
}
