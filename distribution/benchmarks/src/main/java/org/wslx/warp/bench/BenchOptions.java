package org.wslx.warp.bench;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The command-line options, each {@code --name=value}; defaults give medians worth quoting. */
record BenchOptions(Path project, Path benchImage, Path dataDirectory, Path runtimeDirectory, Path java, int bootRounds,
        int execRounds, int cliRounds, int trackbRounds, Set<String> only, Path results, List<String> passThrough) {

    static final List<String> BENCHMARKS = List.of("boot", "exec", "cli", "sandbox", "trackb");

    /** Options of the sandbox benchmark, handed to it as they are. */
    private static final Set<String> SANDBOX_OPTIONS = Set.of("sandbox-rounds", "sandbox-warm-rounds", "qemu-rounds", "idle-sandboxes");

    static BenchOptions parse(String[] args) {
        Path project = Path.of(".").toAbsolutePath().normalize();
        Path benchImage = null;
        Path data = Path.of("/tmp/wbench-data");
        Path runtime = Path.of("/tmp/wbench-run");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        int boot = 5;
        int exec = 200;
        int cli = 30;
        int trackb = 10;
        List<String> passThrough = new java.util.ArrayList<>();
        Set<String> only = new LinkedHashSet<>(BENCHMARKS);
        Path results = null;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("benchmark option '" + arg + "' is not of the form --name=value");
            }
            String name = arg.substring(2, eq);
            String value = arg.substring(eq + 1);
            switch (name) {
                case "project" -> project = Path.of(value).toAbsolutePath().normalize();
                case "bench-image" -> benchImage = Path.of(value).toAbsolutePath();
                case "data-dir" -> data = Path.of(value).toAbsolutePath();
                case "runtime-dir" -> runtime = Path.of(value).toAbsolutePath();
                case "java" -> java = Path.of(value);
                case "boot-rounds" -> boot = rounds(name, value);
                case "exec-rounds" -> exec = rounds(name, value);
                case "cli-rounds" -> cli = rounds(name, value);
                case "trackb-rounds" -> trackb = rounds(name, value);
                case "results" -> results = Path.of(value).toAbsolutePath();
                case "only" -> {
                    only = new LinkedHashSet<>(List.of(value.split(",")));
                    if (!BENCHMARKS.containsAll(only)) {
                        throw new IllegalArgumentException("benchmark option --only=" + value + " names a benchmark other than " + BENCHMARKS);
                    }
                }
                default -> {
                    if (!SANDBOX_OPTIONS.contains(name)) {
                        throw new IllegalArgumentException("benchmark option '--" + name + "' is unknown");
                    }
                    rounds(name, value);
                    passThrough.add(arg);
                }
            }
        }
        if (only.contains("exec") && benchImage == null) {
            throw new IllegalArgumentException("the exec benchmark needs --bench-image=TAR (build-bench-image.sh makes it)");
        }
        if (results == null) {
            results = project.resolve("distribution/benchmarks/RESULTS.md");
        }
        return new BenchOptions(project, benchImage, data, runtime, java, boot, exec, cli, trackb, only, results,
                List.copyOf(passThrough));
    }

    private static int rounds(String name, String value) {
        try {
            int rounds = Integer.parseInt(value);
            if (rounds >= 1) {
                return rounds;
            }
        } catch (NumberFormatException e) {
            // reported below with the option's name
        }
        throw new IllegalArgumentException("benchmark option --" + name + "=" + value + " is not a whole number of rounds ≥ 1");
    }

    Path wslx() {
        return project.resolve("distribution/wslx");
    }

    /** The personality jar whose bundled initramfs and recorded kernel both sides boot. */
    Path personalityJar() {
        return project.resolve("personalities/linux/target/org.wslx.warp.personality.linux-0.1.0-SNAPSHOT.jar");
    }
}
