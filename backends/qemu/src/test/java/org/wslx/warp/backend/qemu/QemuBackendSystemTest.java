package org.wslx.warp.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.backend.BackendException;
import org.wslx.warp.backend.MachineExit;
import org.wslx.warp.backend.MachineSpec;
import org.wslx.warp.backend.VirtualMachine;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.control.ByteStream;

/**
 * Boots Debian's cloud kernel in a real qemu-system-x86_64 (TCG) with an initramfs built here:
 * busybox as /init, the virtio modules from the same kernel package, and a second cpio archive
 * that proves the initrds are concatenated.
 */
class QemuBackendSystemTest {
    private static final String MARKER = "WARP-TEST-INIT-REACHED";
    private static final List<String> MODULES = List.of("virtio/virtio_ring", "virtio/virtio", "virtio/virtio_pci_legacy_dev",
            "virtio/virtio_pci_modern_dev", "virtio/virtio_pci", "virtio/virtio_mmio", "char/virtio_console");
    private static Path kernel;
    private static Path modules;

    @TempDir
    static Path work;

    @BeforeAll
    static void findKernel() throws IOException {
        Path kernels = Path.of(System.getProperty("user.home"), ".cache", "wslx-warp", "kernels");
        if (Files.isDirectory(kernels)) {
            try (DirectoryStream<Path> versions = Files.newDirectoryStream(kernels)) {
                for (Path version : versions) {
                    Path drivers = version.resolve("lib/modules").resolve(version.getFileName()).resolve("kernel/drivers");
                    if (Files.isRegularFile(version.resolve("vmlinuz")) && Files.isDirectory(drivers)) {
                        kernel = version.resolve("vmlinuz");
                        modules = drivers;
                    }
                }
            }
        }
    }

    private static void assumeRealParts() {
        boolean qemu = QemuBackend.findOnPath(QemuBackend.BINARY_NAME, System.getenv("PATH")).isPresent();
        boolean busybox = Files.isExecutable(Path.of("/bin/busybox"));
        String missing = !qemu ? "qemu-system-x86_64 is not on PATH" : kernel == null
                ? "no Debian kernel with modules under ~/.cache/wslx-warp/kernels/<version>/{vmlinuz,lib/modules}"
                : !busybox ? "/bin/busybox (busybox-static) is missing" : null;
        if (missing != null) {
            System.out.println("skipped: " + missing);
        }
        Assumptions.assumeTrue(missing == null, missing);
    }

    private static QemuBackend backend(String machine) {
        QemuBackend backend = new QemuBackend();
        backend.configure(Map.of(QemuBackend.MACHINE_PROPERTY, machine)::get);
        return backend;
    }

    private static MachineSpec spec(String name) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        String init = String.join("\n", "#!/bin/busybox sh",
                "/bin/busybox mount -t proc proc /proc", "/bin/busybox mount -t sysfs sys /sys",
                "/bin/busybox mount -t devtmpfs dev /dev",
                "echo " + MARKER + " $(/bin/busybox cat /second-archive.txt)",
                "for m in /lib/*.ko; do /bin/busybox insmod $m 2>/dev/null; done",
                "for try in 1 2 3 4 5 6 7 8 9 10; do",
                "  for p in /sys/class/virtio-ports/*; do",
                "    [ \"$(/bin/busybox cat $p/name 2>/dev/null)\" = org.wslx.warp.control.0 ] && port=/dev/${p##*/}",
                "  done",
                "  [ -n \"$port\" ] && break; /bin/busybox sleep 0.2", "done",
                "echo \"port $port\"", "echo \"hello from the guest on $port\" > $port",
                "exec /bin/busybox sleep 3600", "");
        NewcArchive main = new NewcArchive().directory("bin").directory("proc").directory("sys").directory("dev").directory("lib")
                .file("bin/busybox", 0755, Files.readAllBytes(Path.of("/bin/busybox")))
                .file("init", 0755, init.getBytes(StandardCharsets.US_ASCII));
        for (String module : MODULES) {
            main.file("lib/" + String.format("%02d", MODULES.indexOf(module)) + "-" + module.replaceAll(".*/", "") + ".ko", 0644,
                    Files.readAllBytes(modules.resolve(module + ".ko")));
        }
        Path first = main.writeTo(dir.resolve("main.cpio"));
        Path second = new NewcArchive().file("second-archive.txt", 0644, "second-archive-loaded".getBytes(StandardCharsets.US_ASCII))
                .writeTo(dir.resolve("second.cpio"));
        return new MachineSpec(name, new BootPayload("linux", kernel, List.of(first, second), "console=ttyS0 panic=-1"), 1, 256,
                List.of(), dir.resolve("run"), dir.resolve("console.log"));
    }

    /** Milliseconds from {@code start} until the console log contains {@code text}. */
    private static long waitForConsole(MachineSpec spec, String text, long start) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (Files.exists(spec.consoleLog()) && Files.readString(spec.consoleLog(), StandardCharsets.ISO_8859_1).contains(text)) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("console never showed '" + text + "':\n" + Tails.lastLines(spec.consoleLog(), 30));
    }

    @Test
    void bootsToInitRelaysTheControlPortAndStopsOnRequest() throws Exception {
        assumeRealParts();
        MachineSpec spec = spec("pc-boot");
        long start = System.nanoTime();
        VirtualMachine vm = backend("pc").launch(spec);
        try {
            assertEquals("tcg", vm.accelerator(), "this machine's KVM is kvm_pvm, or there is none");
            ByteStream control = vm.controlChannel();
            assertThrows(BackendException.class, vm::controlChannel, "the channel is handed out once");
            long toInit = waitForConsole(spec, MARKER, start);
            BufferedReader fromGuest = new BufferedReader(new InputStreamReader(control.input(), StandardCharsets.UTF_8));
            String line = fromGuest.readLine();
            assertTrue(line.startsWith("hello from the guest on /dev/vport"), line);
            String console = Tails.printable(Files.readString(spec.consoleLog(), StandardCharsets.ISO_8859_1));
            assertTrue(console.contains("Linux version 6."), "kernel banner");
            assertTrue(console.contains(MARKER + " second-archive-loaded"), "both initrds were unpacked");
            System.out.println("boot to /init (pc, tcg): " + toInit + " ms");
        } finally {
            vm.stop(Duration.ofSeconds(5));
        }
        MachineExit exit = vm.exit().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(exit.requested(), exit.reason());
        assertFalse(Files.exists(spec.runtimeDirectory().resolve("qmp.sock")));
        assertFalse(Files.exists(spec.runtimeDirectory().resolve("control.sock")));
        vm.stop(Duration.ofSeconds(1));
    }

    @Test
    void killingQemuEndsTheMachineUnrequestedWithTheConsoleTail() throws Exception {
        assumeRealParts();
        MachineSpec spec = spec("killed");
        QemuMachine vm = (QemuMachine) backend("pc").launch(spec);
        try {
            waitForConsole(spec, MARKER, System.nanoTime());
            ProcessHandle.of(vm.pid()).orElseThrow().destroyForcibly();
            MachineExit exit = vm.exit().toCompletableFuture().get(15, TimeUnit.SECONDS);
            assertFalse(exit.requested(), exit.reason());
            assertTrue(exit.reason().startsWith("instance 'killed': "), exit.reason());
            assertTrue(exit.reason().contains(MARKER), "the reason carries the console tail: " + exit.reason());
        } finally {
            vm.stop(Duration.ZERO);
        }
    }

    @Test
    void microvmBootTimeForComparison() throws Exception {
        assumeRealParts();
        MachineSpec spec = spec("microvm-boot");
        long start = System.nanoTime();
        VirtualMachine vm = backend("microvm").launch(spec);
        try {
            ByteStream control = vm.controlChannel();
            long toInit = waitForConsole(spec, MARKER, start);
            String line = new BufferedReader(new InputStreamReader(control.input(), StandardCharsets.UTF_8)).readLine();
            assertTrue(line.startsWith("hello from the guest on /dev/vport"), line);
            System.out.println("boot to /init (microvm, tcg): " + toInit + " ms");
        } finally {
            vm.stop(Duration.ofSeconds(5));
        }
        assertTrue(vm.exit().toCompletableFuture().get(10, TimeUnit.SECONDS).requested());
    }

    @Test
    void aMissingQemuBinaryIsReportedClearly() throws Exception {
        QemuBackend backend = new QemuBackend();
        backend.configure(Map.<String, String>of()::get, new AcceleratorChoice.Facts(false, false, Set.of(), null), "/nonexistent");
        assertFalse(backend.status().available());
        assertEquals("qemu-system-x86_64 not found on PATH (install Debian package qemu-system-x86).", backend.status().detail());
        MachineSpec spec = new MachineSpec("nobin", new BootPayload("linux", work.resolve("k"), List.of(), ""), 1, 64, List.of(),
                work.resolve("nobin"), work.resolve("nobin.log"));
        BackendException e = assertThrows(BackendException.class, () -> backend.launch(spec));
        assertEquals("instance 'nobin': qemu-system-x86_64 not found on PATH (install Debian package qemu-system-x86).", e.getMessage());
    }

    @Test
    void aConfiguredQemuBinaryThatIsMissingIsNamedWithItsPackage() {
        QemuBackend backend = new QemuBackend();
        Map<String, String> properties = Map.of(QemuBackend.BINARY_PROPERTY, "/nonexistent/qemu-system-x86_64");
        backend.configure(properties::get, new AcceleratorChoice.Facts(false, false, Set.of(), null), System.getenv("PATH"));
        assertFalse(backend.status().available());
        assertEquals("QEMU binary '/nonexistent/qemu-system-x86_64' named by warp.qemu.binary does not exist or is not"
                + " executable (qemu-system-x86_64 comes with Debian package qemu-system-x86).", backend.status().detail());
    }

    @Test
    void aMissingKernelIsReportedBeforeQemuStarts() {
        Assumptions.assumeTrue(QemuBackend.findOnPath(QemuBackend.BINARY_NAME, System.getenv("PATH")).isPresent(), "no QEMU");
        Path absent = work.resolve("no-such-vmlinuz");
        MachineSpec spec = new MachineSpec("nokernel", new BootPayload("linux", absent, List.of(), ""), 1, 64, List.of(),
                work.resolve("nokernel"), work.resolve("nokernel.log"));
        BackendException e = assertThrows(BackendException.class, () -> backend("pc").launch(spec));
        assertEquals("instance 'nokernel': kernel '" + absent + "' does not exist or is not a regular file.", e.getMessage());
    }
}
