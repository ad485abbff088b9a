package org.wslx.warp.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 3: wall time of a warm {@code wslx -- true}, JVM start included, against the published
 * {@code wsl.exe -e true} figure; a bare {@code java -version} is shown as this machine's floor.
 */
final class CliBenchmark {
    /** Published figure for {@code wsl.exe -e true} on a warm WSL2 distribution. */
    static final double WSL_EXE_TRUE_MILLIS = 163;
    private static final int WARM_UP = 3;

    private final WarpService service;
    private final String instance;
    private final Path java;
    private final int rounds;

    CliBenchmark(WarpService service, String instance, Path java, int rounds) {
        this.service = service;
        this.instance = instance;
        this.java = java;
        this.rounds = rounds;
    }

    ResultTable run() throws IOException, InterruptedException {
        List<String> args = List.of("-d", instance, "--", "true");
        for (int i = 0; i < WARM_UP; i++) {
            time(service.wslxProcess(args), "wslx");
        }
        Samples cli = new Samples("WARP: `wslx -d " + instance + " -- true` (new JVM each run)");
        Samples jvm = new Samples("JVM start floor: `java -Xshare:auto -version`");
        ProcessBuilder javaVersion = new ProcessBuilder(java.toString(), "-Xshare:auto", "-version")
                .redirectInput(new File("/dev/null")).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        time(javaVersion, "java -version");
        for (int round = 0; round < rounds; round++) {
            cli.add(time(service.wslxProcess(args), "wslx"));
            jvm.add(time(javaVersion, "java -version"));
        }
        double ratio = Samples.ratio(cli.medianMillis(), WSL_EXE_TRUE_MILLIS);
        return new ResultTable("3. Warm CLI: `wslx -- true` wall time vs `wsl.exe -e true`")
                .publishedPeer("wsl.exe -e true (published figure, not measured here)", WSL_EXE_TRUE_MILLIS)
                .row(cli).context(jvm)
                .note("Spawned from this program after " + WARM_UP + " warm-up runs, with the instance already running;"
                        + " the time runs from process start to exit. Rounds alternate wslx and java -version.")
                .note(String.format(Locale.ROOT, "No goal is set for this comparison; wslx takes %.2f× the published wsl.exe time.", ratio));
    }

    private long time(ProcessBuilder builder, String what) throws IOException, InterruptedException {
        Path errors = service.runtimeDirectory().resolveSibling(service.runtimeDirectory().getFileName() + "-cli.stderr");
        builder.redirectError(errors.toFile());
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(what + ": still running after 60 s");
        }
        long elapsed = System.nanoTime() - start;
        if (process.exitValue() != 0) {
            throw new IllegalStateException(what + ": exited with " + process.exitValue() + "; it said: "
                    + Files.readString(errors).strip());
        }
        return elapsed;
    }
}
