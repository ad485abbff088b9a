package org.wslx.warp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark 2: the round trip of {@code true} in one running guest, through WARP (one link
 * connection per request, as wslx does) and through qemu-guest-agent (guest-exec, then
 * guest-exec-status polled back to back until it reports the exit). Rounds alternate.
 */
final class ExecBenchmark {
    private static final int WARM_UP = 20;
    // Finds qemu-ga's port by name, since the kernel numbers virtio ports in probe order, and waits
    // for the daemon's pid file: the agent ends the process group of a finished command, which would
    // catch the daemon if the shell exited before the daemon had moved to a session of its own.
    private static final String START_GUEST_AGENT = "for p in /sys/class/virtio-ports/*; do "
            + "if [ \"$(cat $p/name)\" = org.qemu.guest_agent.0 ]; then "
            + "rm -f /run/qemu-ga.pid; /usr/sbin/qemu-ga -m virtio-serial -p /dev/${p##*/} -d -f /run/qemu-ga.pid || exit; "
            + "while [ ! -s /run/qemu-ga.pid ]; do sleep 0.05; done; exit 0; fi; done; "
            + "echo 'no virtio port named org.qemu.guest_agent.0' >&2; exit 3";

    private final WarpService service;
    private final String instance;
    private final Path image;
    private final Path instanceDirectory;
    private final int rounds;

    ExecBenchmark(WarpService service, String instance, Path image, Path instanceDirectory, int rounds) {
        this.service = service;
        this.instance = instance;
        this.image = image;
        this.instanceDirectory = instanceDirectory;
        this.rounds = rounds;
    }

    ResultTable run() throws IOException, InterruptedException {
        LinkExec link = service.link();
        if (!link.runOk(List.of("--list")).stdout().matches("(?s).*\\b" + instance + "\\b.*")) {
            Files.createDirectories(instanceDirectory);
            link.runOk(List.of("--import", instance, instanceDirectory.toString(), image.toString()));
        }
        List<String> trueCommand = List.of("-d", instance, "--", "true");
        link.runOk(trueCommand);
        link.runOk(List.of("-d", instance, "--", "/bin/sh", "-c", START_GUEST_AGENT));
        Path socket = service.instanceRuntimeDirectory(instance).resolve("qga.sock");
        if (!Files.exists(socket)) {
            throw new IllegalStateException("instance '" + instance + "': " + socket
                    + " does not exist; the service must run with -Dwarp.qemu.guestAgent=true");
        }
        Samples warp = new Samples("WARP: `-d " + instance + " -- true` over the link");
        Samples agent = new Samples("qemu-guest-agent: guest-exec /bin/true + guest-exec-status polling");
        int[] statusCalls = new int[rounds];
        try (GuestAgentClient qga = GuestAgentClient.connect(socket)) {
            qga.sync(System.nanoTime() & 0x7fffffffL);
            for (int i = 0; i < WARM_UP; i++) {
                link.runOk(trueCommand);
                guestExecTrue(qga);
            }
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                link.runOk(trueCommand);
                warp.add(System.nanoTime() - start);
                start = System.nanoTime();
                statusCalls[round] = guestExecTrue(qga);
                agent.add(System.nanoTime() - start);
            }
        }
        double ratio = Samples.ratio(warp.medianMillis(), agent.medianMillis());
        Arrays.sort(statusCalls);
        return new ResultTable("2. Exec round trip of `true` in a running guest (same guest for both)")
                .peer(agent).row(warp)
                .note(String.format(Locale.ROOT, "qemu-ga needed a median of %d guest-exec-status calls per round (min %d, max %d);"
                        + " it was started in the guest through WARP and reached over the instance's qga.sock.",
                        statusCalls[rounds / 2], statusCalls[0], statusCalls[rounds - 1]))
                .note("Image: Debian bookworm minbase + qemu-guest-agent (distribution/benchmarks/build-bench-image.sh). "
                        + WARM_UP + " warm-up rounds of each side first; rounds alternate.")
                .goal("WARP ≤ 0.25× of the guest agent's round trip", ratio, 0.25);
    }

    /** One guest-exec of /bin/true, polled until it exits; returns how many status calls it took. */
    private static int guestExecTrue(GuestAgentClient qga) throws IOException {
        long pid = qga.exec("/bin/true");
        for (int calls = 1; ; calls++) {
            Integer exit = qga.status(pid);
            if (exit != null) {
                if (exit != 0) {
                    throw new IllegalStateException("qemu-guest-agent: /bin/true (guest pid " + pid + ") exited with " + exit);
                }
                return calls;
            }
        }
    }
}
