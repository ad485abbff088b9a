package org.wslx.warp.bench.trackb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.wslx.warp.bench.LinkExec;
import org.wslx.warp.bench.WarpService;

/**
 * Host memory per additional idle micro-VM in the service: Track B instances on WARP's KVM monitor,
 * booted and left idle. The service's resident memory is read from {@code /proc/PID/status}: guest
 * memory lives in memory files (tmpfs or memfd), counted as {@code RssShmem} — that is the guest
 * memory the machines touched; everything else ({@code RssAnon} + {@code RssFile}: vCPU threads'
 * stacks, kvm_run mappings, Java objects, console buffers) is the monitor's own cost per machine.
 * KVM's memory inside the host kernel is not part of any process and is not counted.
 */
final class IdleInstanceMemory {
    private record Rss(long anon, long file, long shmem) {
        long own() {
            return anon + file;
        }
    }

    private IdleInstanceMemory() {
    }

    static String measure(WarpService service, Path image, Path state, int machines) throws IOException, InterruptedException {
        ProcessHandle pid = service.serviceJvm().orElseThrow(() -> new IllegalStateException(
                "no WARP service runs for the idle-memory measurement"));
        for (int i = 0; i < machines; i++) {
            String name = "idle-" + i;
            service.wslx(List.of("--import", name, state.resolve(name).toString(), image.toString()), TrackBBenchmark.WSLX_TIMEOUT_SECONDS);
            service.wslx(List.of("--manage", name, "--set-backend", "kvm"), TrackBBenchmark.WSLX_TIMEOUT_SECONDS);
        }
        settle(pid);
        Rss before = rss(pid);
        LinkExec link = service.link();
        for (int i = 0; i < machines; i++) {
            link.runOk(List.of("-d", "idle-" + i, "--", "hello"));
        }
        settle(pid);
        Rss after = rss(pid);
        double ownPerMachine = (after.own() - before.own()) / 1024.0 / machines;
        double guestPerMachine = (after.shmem() - before.shmem()) / 1024.0 / machines;
        StringBuilder t = new StringBuilder("### Track B: host memory per additional idle micro-VM in the service (kvm backend)\n\n");
        t.append("| idle machines added | guest memory touched, each | host memory beyond guest memory, each | goal |\n");
        t.append("|---:|---:|---:|---|\n");
        t.append(String.format(Locale.ROOT, "| %d | %.0f KiB | %.0f KiB | ≤ 2048 KiB: %s |%n%n", machines, guestPerMachine,
                ownPerMachine, ownPerMachine <= 2048 ? "met" : "MISSED"));
        t.append("From the service's /proc/PID/status before and after booting them (RssShmem = guest memory files; ")
                .append("RssAnon + RssFile = the rest), after a full GC in the service. KVM's kernel-side memory is not counted.\n\n");
        return t.toString();
    }

    /** A full GC in the service, so that heap garbage left by earlier requests is not charged to the machines. */
    private static void settle(ProcessHandle pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (Files.isExecutable(jcmd)) {
            new ProcessBuilder(jcmd.toString(), Long.toString(pid.pid()), "GC.run").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
        Thread.sleep(500);
    }

    private static Rss rss(ProcessHandle pid) throws IOException {
        long anon = 0;
        long file = 0;
        long shmem = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid.pid()), "status"))) {
            String[] parts = line.split("\\s+");
            switch (parts[0]) {
                case "RssAnon:" -> anon = Long.parseLong(parts[1]) * 1024;
                case "RssFile:" -> file = Long.parseLong(parts[1]) * 1024;
                case "RssShmem:" -> shmem = Long.parseLong(parts[1]) * 1024;
                default -> { }
            }
        }
        return new Rss(anon, file, shmem);
    }
}
