package org.wslx.warp.bench.trackb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.wslx.warp.bench.LinkExec;
import org.wslx.warp.bench.Samples;
import org.wslx.warp.bench.WarpService;
import org.wslx.warp.personality.trackb.ImagePacker;

/**
 * Track B: boot to agent-ready of the reference kernel on WARP's KVM monitor against the QEMU
 * backend, measured in the same run through one service, and the in-guest figures the
 * {@code abi-bench} sample reports. Prints markdown tables.
 * <p>
 * Boot to agent-ready is taken as a cold {@code -d X -- hello} (the instance terminated first) less
 * the median warm {@code -d X -- hello} of the same round: what remains is launching the machine,
 * the kernel's boot and the control-plane handshake up to READY. The two backends alternate round
 * by round so both see the same background load.
 * <p>
 * Arguments: {@code --project=DIR} (the checkout; default the working directory),
 * {@code --rounds=N} (default 10), {@code --warm=N} warm runs per round (default 5).
 */
public final class TrackBBenchmark {
    private static final String QEMU = "tb-qemu";
    private static final String KVM = "tb-kvm";
    private static final int IDLE_MACHINES = 8;
    static final long WSLX_TIMEOUT_SECONDS = 300;

    private TrackBBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("project", ".", "rounds", "10", "warm", "5"));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0 || !options.containsKey(arg.substring(2, eq))) {
                System.err.println("usage: TrackBBenchmark [--project=DIR] [--rounds=N] [--warm=N]");
                System.exit(2);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        System.out.print(run(Path.of(options.get("project")).toAbsolutePath().normalize(),
                Integer.parseInt(options.get("rounds")), Integer.parseInt(options.get("warm"))));
    }

    /** Runs the benchmark against the checkout at {@code project} and returns its tables as markdown. */
    public static String run(Path project, int rounds, int warmRuns) throws Exception {
        StringBuilder out = new StringBuilder();
        Path state = Files.createTempDirectory(Path.of("/tmp"), "wbench-trackb-");
        Path image = ImagePacker.pack(project.resolve("personalities/trackb/target/guest/samples"), state.resolve("samples.warpb"));
        boolean kvm = Files.isReadable(Path.of("/dev/kvm")) && Files.isWritable(Path.of("/dev/kvm"));
        String kvmProblem = kvm ? "" : "/dev/kvm is absent or not usable by this user";

        WarpService service = new WarpService(project.resolve("distribution/wslx"), state.resolve("data"),
                state.resolve("run"), "");
        LinkExec link = service.link();
        try {
            List<String> instances = new ArrayList<>(List.of(QEMU));
            service.wslx(List.of("--import", QEMU, state.resolve(QEMU).toString(), image.toString()), WSLX_TIMEOUT_SECONDS);
            if (kvm) {
                service.wslx(List.of("--import", KVM, state.resolve(KVM).toString(), image.toString()), WSLX_TIMEOUT_SECONDS);
                service.wslx(List.of("--manage", KVM, "--set-backend", "kvm"), WSLX_TIMEOUT_SECONDS);
                instances.add(KVM);
            }
            Map<String, BootSamples> boots = new LinkedHashMap<>();
            for (String instance : List.copyOf(instances)) {
                try {
                    link.runOk(List.of("-d", instance, "--", "hello")); // first boot: files into the page cache
                    boots.put(instance, new BootSamples(instance));
                } catch (IllegalStateException e) {
                    if (instance.equals(QEMU)) {
                        throw e;
                    }
                    kvmProblem = e.getMessage();
                    instances.remove(instance);
                }
            }
            kvm = instances.contains(KVM);
            for (int round = 0; round < rounds; round++) {
                for (String instance : instances) {
                    link.runOk(List.of("--terminate", instance));
                    long start = System.nanoTime();
                    link.runOk(List.of("-d", instance, "--", "hello"));
                    long cold = System.nanoTime() - start;
                    Samples warm = new Samples(instance + " warm hello");
                    for (int i = 0; i < warmRuns; i++) {
                        long s = System.nanoTime();
                        link.runOk(List.of("-d", instance, "--", "hello"));
                        warm.add(System.nanoTime() - s);
                    }
                    boots.get(instance).add(cold, Math.round(warm.medianNanos()));
                }
            }
            out.append(bootTable(boots, kvm, rounds)).append('\n');
            if (!kvmProblem.isEmpty()) {
                out.append("The KVM backend could not boot the samples image: ").append(kvmProblem).append("\n\n");
            }
            for (String instance : instances) {
                out.append(abiBenchTable(instance, link.runOk(List.of("-d", instance, "--", "abi-bench")).stdout())).append('\n');
            }
            if (kvm) {
                out.append(IdleInstanceMemory.measure(service, image, state, IDLE_MACHINES));
            }
        } finally {
            service.stop();
        }
        return out.toString();
    }

    /** One backend's cold runs, warm medians and their difference, per round. */
    private static final class BootSamples {
        final Samples cold;
        final Samples warm;
        final Samples boot;

        BootSamples(String instance) {
            cold = new Samples(instance + " cold hello");
            warm = new Samples(instance + " warm hello medians");
            boot = new Samples(instance + " boot to agent-ready");
        }

        void add(long coldNanos, long warmNanos) {
            cold.add(coldNanos);
            warm.add(warmNanos);
            boot.add(Math.max(0, coldNanos - warmNanos));
        }
    }

    static String bootTable(Map<String, BootSamples> boots, boolean kvm, int rounds) {
        StringBuilder t = new StringBuilder("### Track B: boot to agent-ready, reference kernel (" + rounds + " rounds, medians)\n\n");
        t.append("| backend | cold `hello` ms | warm `hello` ms | boot to agent-ready ms | ratio to QEMU |\n");
        t.append("|---|---:|---:|---:|---:|\n");
        double qemuBoot = boots.get(QEMU).boot.medianMillis();
        for (Map.Entry<String, BootSamples> e : boots.entrySet()) {
            BootSamples s = e.getValue();
            double boot = s.boot.medianMillis();
            t.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %s |%n", e.getKey().equals(QEMU) ? "qemu (microvm, PVH)"
                    : "kvm (WARP monitor, 64-bit entry)", s.cold.medianMillis(), s.warm.medianMillis(), boot,
                    e.getKey().equals(QEMU) ? "1.00 (peer)" : String.format(Locale.ROOT, "%.3f", boot / qemuBoot)));
        }
        if (!kvm) {
            t.append("\nThe KVM backend was not measured (see below).\n");
        } else {
            double kvmBoot = boots.get(KVM).boot.medianMillis();
            t.append(String.format(Locale.ROOT, "%nGoals: ≤ 20 ms — measured %.1f ms: %s; ≤ 0.1× QEMU — measured %.3f×: %s.%n",
                    kvmBoot, kvmBoot <= 20 ? "met" : "MISSED", kvmBoot / qemuBoot, kvmBoot / qemuBoot <= 0.1 ? "met" : "MISSED"));
        }
        return t.toString();
    }

    /**
     * The abi-bench sample prints lines like {@code abi-bench: ring clock   median 0.030 us (n=200)};
     * each becomes a row (measurement, median, samples). Other lines are left out.
     */
    static String abiBenchTable(String instance, String output) {
        StringBuilder t = new StringBuilder("### Track B: in-guest figures from `abi-bench` on " + instance + "\n\n");
        t.append("| measurement | median | samples |\n|---|---:|---:|\n");
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("abi-bench:\\s*(.+?)\\s+median\\s+(\\S+ \\S+)\\s*(?:\\((n=\\d+)\\))?");
        for (String line : output.split("\n")) {
            java.util.regex.Matcher m = row.matcher(line);
            if (m.find()) {
                t.append("| ").append(m.group(1)).append(" | ").append(m.group(2)).append(" | ")
                        .append(m.group(3) == null ? "" : m.group(3)).append(" |\n");
            }
        }
        return t.toString();
    }


}
