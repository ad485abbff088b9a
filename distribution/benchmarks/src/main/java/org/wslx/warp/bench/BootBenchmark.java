package org.wslx.warp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Benchmark 1: a cold boot through WARP (terminate, then time {@code -d NAME -- true} in-process)
 * against bare QEMU booting the same kernel and initramfs to the agent's first console line, the
 * two alternating round by round so both see the same background load.
 */
final class BootBenchmark {
    private static final int WARM_EXECS_PER_ROUND = 10;
    private static final long MARKER_TIMEOUT_MILLIS = 10_000;

    private final WarpService service;
    private final String instance;
    private final Path personalityJar;
    private final Path scratch;
    private final int rounds;
    private String accelerator = "";
    private List<String> peerArgv = List.of();

    BootBenchmark(WarpService service, String instance, Path personalityJar, Path scratch, int rounds) {
        this.service = service;
        this.instance = instance;
        this.personalityJar = personalityJar;
        this.scratch = scratch;
        this.rounds = rounds;
    }

    String accelerator() {
        return accelerator;
    }

    List<String> peerArgv() {
        return peerArgv;
    }

    ResultTable run() throws IOException, InterruptedException {
        LinkExec link = service.link();
        List<String> trueCommand = List.of("-d", instance, "--", "true");
        Path consoleLog = service.instanceRuntimeDirectory(instance).resolve("console.log");
        link.runOk(trueCommand);
        WarpQemuCommand warp = WarpQemuCommand.of(instance, consoleLog.toString());
        accelerator = warp.accelerator();
        Path kernel = GuestFiles.kernel(personalityJar);
        if (!kernel.toString().equals(warp.value("-kernel"))) {
            throw new IllegalStateException("instance '" + instance + "': WARP boots kernel " + warp.value("-kernel")
                    + " but the personality records " + kernel + "; the comparison would not be like for like");
        }
        BareQemuBoot bare = BareQemuBoot.like(warp, kernel, GuestFiles.extractInitramfs(personalityJar, scratch.resolve("initramfs.cpio")),
                GuestFiles.makeRootDisk(scratch.resolve("peer-root.ext4")), scratch.resolve("peer-console.log"));
        peerArgv = bare.argv();
        bare.bootOnce(); // warm-up: the kernel and initramfs in the page cache for both sides

        Samples peer = new Samples("bare QEMU: spawn → agent's first console line (/init)");
        Samples toInit = new Samples("WARP: request → agent's first console line (/init)");
        Samples cold = new Samples("WARP: cold `-d " + instance + " -- true` (request → exit code)");
        Samples warm = new Samples("WARP: warm `-d " + instance + " -- true`");
        long[] coldNanos = new long[rounds];
        for (int round = 0; round < rounds; round++) {
            link.runOk(List.of("--terminate", instance));
            awaitQemuGone(consoleLog);
            Files.deleteIfExists(consoleLog);
            try (ConsoleWatcher watcher = ConsoleWatcher.start(consoleLog, ConsoleWatcher.AGENT_MARKER)) {
                long start = System.nanoTime();
                link.runOk(trueCommand);
                coldNanos[round] = System.nanoTime() - start;
                toInit.add(watcher.awaitMarker(MARKER_TIMEOUT_MILLIS) - start);
            }
            cold.add(coldNanos[round]);
            for (int i = 0; i < WARM_EXECS_PER_ROUND; i++) {
                long start = System.nanoTime();
                link.runOk(trueCommand);
                warm.add(System.nanoTime() - start);
            }
            peer.add(bare.bootOnce());
        }
        Samples boot = new Samples("WARP: boot to agent-ready ≈ cold − median warm");
        long warmMedian = Math.round(warm.medianMillis() * 1e6);
        for (long c : coldNanos) {
            boot.add(c - warmMedian);
        }
        double ratio = Samples.ratio(boot.medianMillis(), peer.medianMillis());
        return new ResultTable("1. Boot: WARP to agent-ready vs bare QEMU to /init (" + accelerator + ")")
                .peer(peer).row(boot).row(toInit).context(cold).context(warm)
                .note("Same kernel, initramfs, machine, CPU, memory and kernel command line on both sides (read from WARP's own QEMU"
                        + " process); the peer has no control port, QMP or paused start. Rounds alternate WARP and peer.")
                .note("\"Agent-ready\" includes the agent mounting the root disk and the control-plane handshake; the "
                        + "\"/init\" row is the same milestone as the peer's and is read from the instance's console log"
                        + " (polled every 2 ms on both sides). The service logs no finer boot time of its own.")
                .goal("WARP boot overhead ≤ 5% over bare QEMU (ratio ≤ 1.05)", ratio, 1.05);
    }

    private static void awaitQemuGone(Path consoleLog) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (ProcFiles.withArgument("file:" + consoleLog).isPresent()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("QEMU writing " + consoleLog + " is still running 15 s after --terminate");
            }
            Thread.sleep(20);
        }
    }
}
