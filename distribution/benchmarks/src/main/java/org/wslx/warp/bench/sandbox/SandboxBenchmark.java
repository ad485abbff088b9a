package org.wslx.warp.bench.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import org.wslx.warp.bench.Samples;
import org.wslx.warp.sandbox.CallLimits;
import org.wslx.warp.sandbox.PoolConfig;
import org.wslx.warp.sandbox.Sandbox;
import org.wslx.warp.sandbox.SandboxConfig;
import org.wslx.warp.sandbox.SandboxException;
import org.wslx.warp.sandbox.SandboxImage;
import org.wslx.warp.sandbox.SandboxPool;
import org.wslx.warp.sandbox.kvm.KvmSandboxService;
import org.wslx.warp.sandbox.kvm.layout.MachineImage;
import org.wslx.warp.sandbox.kvm.layout.MachineImageBuilder;
import org.wslx.warp.sandbox.kvm.layout.MachineImageFile;
import org.wslx.warp.sandbox.kvm.layout.SandboxLayout;
import org.wslx.warp.vmm.elf.Elf64Reader;

/**
 * Function sandboxes against their peers, in one run: WARP's sandbox service, a C program doing the
 * same KVM ioctls on the same machine image, and QEMU spawned for the same guest. Prints markdown
 * tables of medians and ratios. The function is {@code sum} of the sample image on 64 input bytes.
 *
 * <pre>
 * SandboxBenchmark [--project=DIR] [--sandbox-rounds=N] [--sandbox-warm-rounds=N] [--qemu-rounds=N] [--idle-sandboxes=N]
 * </pre>
 */
public final class SandboxBenchmark {
    private static final String FUNCTION = "sum";

    private final Path project;
    private final int coldRounds;
    private final int warmRounds;
    private final int qemuRounds;
    private final int idleSandboxes;

    private SandboxBenchmark(Path project, int coldRounds, int warmRounds, int qemuRounds, int idleSandboxes) {
        this.project = project;
        this.coldRounds = coldRounds;
        this.warmRounds = warmRounds;
        this.qemuRounds = qemuRounds;
        this.idleSandboxes = idleSandboxes;
    }

    public static void main(String[] args) throws Exception {
        System.out.print(run(Path.of(".").toAbsolutePath().normalize(), List.of(args)));
    }

    /** Runs the benchmark for the checkout at {@code project} with {@code --name=value} options; returns the markdown. */
    public static String run(Path project, List<String> args) throws Exception {
        int cold = 300;
        int warm = 3000;
        int qemu = 10;
        int idle = 50;
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            String value = kv.length > 1 ? kv[1] : "";
            switch (kv[0]) {
                case "project" -> project = Path.of(value).toAbsolutePath().normalize();
                case "sandbox-rounds" -> cold = Integer.parseInt(value);
                case "sandbox-warm-rounds" -> warm = Integer.parseInt(value);
                case "qemu-rounds" -> qemu = Integer.parseInt(value);
                case "idle-sandboxes" -> idle = Integer.parseInt(value);
                default -> { } // options of the other benchmarks
            }
        }
        return new SandboxBenchmark(project, cold, warm, qemu, idle).run();
    }

    /** Runs everything and returns the markdown. */
    public String run() throws Exception {
        Path work = Files.createTempDirectory("warp-sandbox-bench");
        try (KvmSandboxService service = new KvmSandboxService()) {
            Path samples = extractSamples(work);
            byte[] input = new byte[64];
            for (int i = 0; i < input.length; i++) {
                input[i] = (byte) (i * 7 + 1);
            }
            long expectedSum = 0;
            for (byte b : input) {
                expectedSum += b & 0xff;
            }
            byte[] expected = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(expectedSum).array();

            SandboxImage image = service.load(samples);
            MachineImage machine = MachineImageBuilder.build(Elf64Reader.read(samples),
                    SandboxLayout.of(SandboxConfig.defaults()));
            Path machineFile = work.resolve("samples.img");
            MachineImageFile.write(machine, machineFile);
            Path inputFile = Files.write(work.resolve("input.bin"), input);
            Path sources = project.resolve("distribution/benchmarks/sandbox");

            Samples warpCold = warpCold(service, image, input, expected);
            Samples warpWarm = warpWarm(service, image, input, expected);

            NativePeer c = NativePeer.compile(sources.resolve("kvm_sandbox_peer.c"), work, machineFile, inputFile);
            NativePeer.Result cCold = c.run("cold", coldRounds, FUNCTION);
            NativePeer.Result cWarm = c.run("warm", warmRounds, FUNCTION);
            check("C peer", HexFormat.of().formatHex(expected), cCold.outputHex());
            check("C peer", HexFormat.of().formatHex(expected), cWarm.outputHex());

            Samples qemu = null;
            String qemuNote;
            try {
                QemuPeer peer = QemuPeer.build(sources, work, machine, FUNCTION, input, expected.length);
                qemu = peer.run(qemuRounds);
                qemuNote = "`" + peer.describe().replace(work.toString(), "$TMP") + "`";
            } catch (IOException e) {
                qemuNote = "QEMU peer failed: " + e.getMessage();
            }
            String memory = idleMemory(service, image, machine);
            return tables(warpCold, warpWarm, cCold.timings(), cWarm.timings(), qemu, qemuNote) + "\n" + memory;
        } finally {
            NativePeer.deleteTree(work);
        }
    }

    private Samples warpCold(KvmSandboxService service, SandboxImage image, byte[] input, byte[] expected)
            throws SandboxException {
        Samples timings = new Samples("WARP create, call, destroy");
        for (int i = 0; i < coldRounds + coldRounds / 10; i++) {
            long start = System.nanoTime();
            byte[] output;
            try (Sandbox sandbox = service.create(image, SandboxConfig.defaults())) {
                output = sandbox.call(FUNCTION, input, CallLimits.defaults()).output();
            }
            long elapsed = System.nanoTime() - start;
            check("WARP", HexFormat.of().formatHex(expected), HexFormat.of().formatHex(output));
            if (i >= coldRounds / 10) { // the first tenth warms the JIT
                timings.add(elapsed);
            }
        }
        return timings;
    }

    private Samples warpWarm(KvmSandboxService service, SandboxImage image, byte[] input, byte[] expected)
            throws SandboxException {
        Samples timings = new Samples("WARP warm call");
        SandboxPool pool = service.pool(image, new PoolConfig(1, 1, SandboxConfig.defaults()));
        CallLimits limits = CallLimits.of(Duration.ofSeconds(1));
        for (int i = 0; i < warmRounds + warmRounds / 10; i++) {
            long start = System.nanoTime();
            byte[] output = pool.call(FUNCTION, input, limits).output();
            long elapsed = System.nanoTime() - start;
            if (i % 97 == 0) {
                check("WARP pool", HexFormat.of().formatHex(expected), HexFormat.of().formatHex(output));
            }
            if (i >= warmRounds / 10) {
                timings.add(elapsed);
            }
        }
        pool.close();
        return timings;
    }

    /** RSS growth per idle sandbox, minus the guest memory it touched (resident in its guest-memory mapping). */
    private String idleMemory(KvmSandboxService service, SandboxImage image, MachineImage machine) throws Exception {
        // The snapshot each sandbox keeps in its memory file (page cache, outside RSS) is guest memory touched.
        long snapshotBytes = 0;
        for (var chunk : machine.chunks()) {
            snapshotBytes += (chunk.bytes().length + 4095) / 4096 * 4096L;
        }
        // Process RSS moves by megabytes with the Java heap, so count what a sandbox adds precisely: the
        // resident pages of its mappings (guest memory, kvm_run) and the heap its objects hold after a GC.
        long heapBefore = heapAfterGc();
        long guestBefore = ProcessMemory.residentBytesOfMappings("warp-sandbox");
        long vcpuBefore = ProcessMemory.residentBytesOfMappings("kvm-vcpu");
        List<Sandbox> sandboxes = new ArrayList<>();
        try {
            for (int i = 0; i < idleSandboxes; i++) {
                Sandbox sandbox = service.create(image, SandboxConfig.defaults());
                sandbox.call(FUNCTION, new byte[8], CallLimits.defaults());
                sandboxes.add(sandbox);
            }
            long heap = heapAfterGc() - heapBefore;
            long mappedGuest = ProcessMemory.residentBytesOfMappings("warp-sandbox") - guestBefore;
            long vcpu = ProcessMemory.residentBytesOfMappings("kvm-vcpu") - vcpuBefore;
            long guest = mappedGuest + snapshotBytes * idleSandboxes;
            double perSandbox = (double) (heap + vcpu) / idleSandboxes;
            return "| idle sandboxes | guest memory touched (snapshot file + resident guest mapping) | kvm_run mappings | Java heap | host memory per sandbox beyond guest memory | goal |\n"
                    + "|---|---|---|---|---|---|\n"
                    + String.format(Locale.ROOT, "| %d | %.1f MiB (%.0f KiB each) | %.0f KiB | %.0f KiB | %.0f KiB | ≤ 2048 KiB |%n",
                            idleSandboxes, guest / 1048576.0, guest / 1024.0 / idleSandboxes, vcpu / 1024.0,
                            heap / 1024.0, perSandbox / 1024)
                    + "\nEach idle sandbox has made one call and been reset. Not counted: KVM's kernel memory for "
                    + "the VM and vCPU (outside the process), and the one watchdog thread all sandboxes share.\n";
        } finally {
            for (Sandbox sandbox : sandboxes) {
                sandbox.close();
            }
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private String tables(Samples warpCold, Samples warpWarm, Samples cCold, Samples cWarm, Samples qemu,
            String qemuNote) {
        StringBuilder out = new StringBuilder();
        out.append("### Function sandboxes (`sum` of 64 bytes, 4 MiB guest)\n\n");
        out.append("| case | WARP median (p90) | C, same ioctls | QEMU spawn, TCG | WARP / C | QEMU / WARP |\n");
        out.append("|---|---|---|---|---|---|\n");
        double qemuMedian = qemu == null ? 0 : micros(qemu.medianNanos());
        row(out, "create → call → destroy", warpCold, cCold, qemuMedian);
        row(out, "warm call from the pool", warpWarm, cWarm, qemuMedian);
        out.append("\nRounds: ").append(warpCold.rounds()).append(" cold, ").append(warpWarm.rounds())
                .append(" warm, ").append(qemu == null ? 0 : qemu.rounds()).append(" QEMU. ");
        out.append("The C peer reads the machine image WARP lays out and times each iteration itself; its warm call ")
                .append("resets memory with MADV_DONTNEED on a private mapping of a memfd snapshot and loads the clean ")
                .append("FPU/vector state with KVM_SET_XSAVE, and every call enters with the general and the clean ")
                .append("segment registers (in kvm_run, KVM_CAP_SYNC_REGS, else KVM_SET_REGS and KVM_SET_SREGS), as WARP ")
                .append("does. QEMU has no warm ")
                .append("call: each sample is one process from spawn to the guest's done-port write (isa-debug-exit), ")
                .append("entered through a PVH wrapper that puts the same machine image in place: ").append(qemuNote)
                .append(". Goals: WARP ≤ 1.5× C, QEMU ≥ 50× WARP.\n");
        return out.toString();
    }

    private static void row(StringBuilder out, String name, Samples warp, Samples c, double qemu) {
        double warpMedian = micros(warp.medianNanos());
        double cMedian = micros(c.medianNanos());
        out.append("| ").append(name).append(" | ").append(microsText(warpMedian)).append(" (")
                .append(microsText(micros(warp.percentileNanos(90)))).append(") | ").append(microsText(cMedian))
                .append(" | ").append(qemu > 0 ? microsText(qemu) : "-").append(" | ")
                .append(ratioText(warpMedian, cMedian)).append(" | ")
                .append(qemu > 0 ? ratioText(qemu, warpMedian) : "-").append(" |\n");
    }

    private static double micros(double nanos) {
        return nanos / 1000.0;
    }

    private static String microsText(double value) {
        return value >= 10_000 ? String.format(Locale.ROOT, "%.1f ms", value / 1000)
                : String.format(Locale.ROOT, "%.1f µs", value);
    }

    private static String ratioText(double value, double peer) {
        return peer > 0 ? String.format(Locale.ROOT, "%.2f×", Samples.ratio(value, peer)) : "-";
    }

    private static void check(String who, String expected, String actual) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException(who + " returned " + actual + " for sum, expected " + expected);
        }
    }

    /** The sample image the sandbox bundle carries (built by its module's gcc step). */
    private static Path extractSamples(Path work) throws IOException {
        try (InputStream in = KvmSandboxService.class.getResourceAsStream("/guest/samples.elf")) {
            if (in == null) {
                throw new IOException("the sandbox bundle carries no guest/samples.elf; build backends/sandbox-kvm");
            }
            Path file = work.resolve("samples.elf");
            Files.copy(in, file);
            return file;
        }
    }
}
