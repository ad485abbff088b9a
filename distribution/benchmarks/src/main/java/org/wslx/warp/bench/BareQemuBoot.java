package org.wslx.warp.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The boot peer: qemu-system-x86_64 started directly with WARP's machine settings, the same kernel
 * and the same bundled initramfs plus a root disk, timed from spawn to the agent's first console
 * line, then killed. No control port, no QMP, no paused start: QEMU and the kernel alone.
 */
final class BareQemuBoot {
    private static final long BOOT_TIMEOUT_MILLIS = 120_000;

    private final List<String> argv;
    private final Path consoleLog;

    private BareQemuBoot(List<String> argv, Path consoleLog) {
        this.argv = argv;
        this.consoleLog = consoleLog;
    }

    static BareQemuBoot like(WarpQemuCommand warp, Path kernel, Path initramfs, Path rootDisk, Path consoleLog) {
        List<String> argv = new ArrayList<>(List.of(warp.binary(),
                "-machine", warp.value("-machine"), "-cpu", warp.value("-cpu"), "-smp", warp.value("-smp"), "-m", warp.value("-m"),
                "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
                "-serial", "file:" + consoleLog,
                "-kernel", kernel.toString(), "-initrd", initramfs.toString(), "-append", warp.value("-append"),
                "-drive", "file=" + rootDisk + ",format=raw,if=none,id=disk0",
                "-device", warp.rootDiskDevice() + ",drive=disk0"));
        return new BareQemuBoot(List.copyOf(argv), consoleLog);
    }

    List<String> argv() {
        return argv;
    }

    /** One boot: nanoseconds from spawning QEMU until the agent's first console line. */
    long bootOnce() throws IOException, InterruptedException {
        Files.deleteIfExists(consoleLog);
        Process qemu = null;
        try (ConsoleWatcher watcher = ConsoleWatcher.start(consoleLog, ConsoleWatcher.AGENT_MARKER)) {
            long start = System.nanoTime();
            qemu = new ProcessBuilder(argv).redirectInput(new File("/dev/null"))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            return watcher.awaitMarker(BOOT_TIMEOUT_MILLIS) - start;
        } finally {
            if (qemu != null) {
                qemu.destroyForcibly();
                qemu.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
