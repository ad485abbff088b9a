package org.wslx.warp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import org.wslx.warp.bench.sandbox.SandboxBenchmark;
import org.wslx.warp.bench.trackb.TrackBBenchmark;

/**
 * Runs the benchmarks against a private WARP service and their peers in the same run, prints one
 * table per benchmark and writes them with the machine's facts to RESULTS.md. Options: see
 * {@link BenchOptions}; {@code distribution/benchmarks/run.sh} supplies them.
 */
public final class WarpBenchmarks {
    private static final String BOOT_INSTANCE = "default";
    private static final String EXEC_INSTANCE = "bench";

    private WarpBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("warp-benchmarks: " + e.getMessage());
            System.exit(2);
            return;
        }
        String startLoad = MachineFacts.loadAverage();
        List<ResultTable> tables = new ArrayList<>();
        String accelerator = "unknown (the boot benchmark did not run)";
        List<String> peerArgv = List.of();
        Path scratch = Files.createDirectories(options.runtimeDirectory().resolveSibling(options.runtimeDirectory().getFileName() + "-peer"));

        if (options.only().contains("boot") || options.only().contains("cli")) {
            WarpService plain = new WarpService(options.wslx(), options.dataDirectory(), options.runtimeDirectory(), "");
            try {
                plain.stop();
                plain.wslx(List.of("--", "true"), 300);
                if (options.only().contains("boot")) {
                    BootBenchmark boot = new BootBenchmark(plain, BOOT_INSTANCE, options.personalityJar(), scratch, options.bootRounds());
                    tables.add(print(attempt("1. Boot", boot::run)));
                    accelerator = boot.accelerator();
                    peerArgv = boot.peerArgv();
                }
                if (options.only().contains("cli")) {
                    tables.add(print(attempt("3. Warm CLI", new CliBenchmark(plain, BOOT_INSTANCE, options.java(), options.cliRounds())::run)));
                }
            } finally {
                plain.stop();
            }
        }
        if (options.only().contains("exec")) {
            // A second service: only this one gives its guests the qemu-guest-agent port.
            WarpService withAgentPort = new WarpService(options.wslx(), options.dataDirectory(), options.runtimeDirectory(),
                    "-Dwarp.qemu.guestAgent=true");
            try {
                withAgentPort.stop();
                withAgentPort.wslx(List.of("--", "true"), 300);
                tables.add(print(attempt("2. Exec round trip", new ExecBenchmark(withAgentPort, EXEC_INSTANCE, options.benchImage(),
                        options.dataDirectory().resolve("bench-instance"), options.execRounds())::run)));
            } finally {
                withAgentPort.stop();
            }
        }
        List<String> sections = new ArrayList<>();
        if (options.only().contains("sandbox")) {
            sections.add(printed(section("4. Function sandboxes", () -> SandboxBenchmark.run(options.project(), options.passThrough()))));
        }
        if (options.only().contains("trackb")) {
            sections.add(printed(section("5. Track B", () -> TrackBBenchmark.run(options.project(), options.trackbRounds(), 5))));
        }
        writeResults(options, tables, sections, accelerator, peerArgv, startLoad, args);
        System.out.println("Written: " + options.results());
    }

    private interface Benchmark {
        ResultTable run() throws IOException, InterruptedException;
    }

    /** Runs one benchmark; a failure becomes its table, so the others still run and are written. */
    private static ResultTable attempt(String title, Benchmark benchmark) throws InterruptedException {
        try {
            return benchmark.run();
        } catch (IOException | IllegalStateException e) {
            return ResultTable.failed(title, e);
        }
    }

    private interface Section {
        String run() throws Exception;
    }

    /** A benchmark that prints its own markdown; a failure becomes a short section saying so. */
    private static String section(String title, Section section) {
        try {
            return "## " + title + "\n\n" + section.run();
        } catch (Exception e) {
            return "## " + title + "\n\n- Did not complete: " + e + "\n\n";
        }
    }

    private static String printed(String markdown) {
        System.out.print(markdown);
        System.out.flush();
        return markdown;
    }

    private static ResultTable print(ResultTable table) {
        System.out.print(table.markdown());
        System.out.flush();
        return table;
    }

    private static void writeResults(BenchOptions options, List<ResultTable> tables, List<String> sections, String accelerator, List<String> peerArgv,
            String startLoad, String[] args) throws IOException {
        String command = System.getProperty("warp.bench.command", "java org.wslx.warp.bench.WarpBenchmarks " + String.join(" ", args));
        StringBuilder text = new StringBuilder("# WARP benchmarks\n\n");
        text.append("Medians over several rounds; each benchmark is compared with a peer measured in the same run")
                .append(" (except the published wsl.exe figure). The host is shared and noisy: quote the ratios, not the milliseconds.\n\n");
        text.append("| fact | value |\n|---|---|\n");
        text.append("| date | ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append(" |\n");
        text.append("| nproc | ").append(MachineFacts.processors()).append(" |\n");
        text.append("| CPU | ").append(MachineFacts.cpuModel()).append(" |\n");
        text.append("| accelerator | ").append(accelerator).append(" |\n");
        text.append("| QEMU | ").append(MachineFacts.versionOf("qemu-system-x86_64")).append(" |\n");
        text.append("| host kernel | ").append(MachineFacts.hostKernel()).append(" |\n");
        text.append("| Java | ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version")).append(" |\n");
        text.append("| load average (1/5/15 min) at start / end | ").append(startLoad).append(" / ").append(MachineFacts.loadAverage()).append(" |\n");
        text.append("| command | `").append(command).append("` |\n\n");
        for (ResultTable table : tables) {
            text.append(table.markdown());
        }
        for (String section : sections) {
            text.append(section);
        }
        if (!peerArgv.isEmpty()) {
            text.append("Bare QEMU peer of benchmark 1, as spawned:\n\n```\n").append(String.join(" ", peerArgv)).append("\n```\n");
        }
        Files.writeString(options.results(), text.toString(), StandardCharsets.UTF_8);
    }
}
