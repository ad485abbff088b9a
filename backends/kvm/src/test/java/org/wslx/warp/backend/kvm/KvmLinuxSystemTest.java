package org.wslx.warp.backend.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.backend.DiskAttachment;
import org.wslx.warp.backend.MachineSpec;
import org.wslx.warp.backend.VirtualMachine;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.backend.kvm.linux.TrackAGuest;
import org.wslx.warp.boot.linux.LinuxBootProtocol;
import org.wslx.warp.control.ExecRequest;
import org.wslx.warp.control.GuestConfig;
import org.wslx.warp.control.GuestProcess;
import org.wslx.warp.control.GuestSession;
import org.wslx.warp.control.SessionParameters;
import org.wslx.warp.control.host.HostControlPlane;
import org.wslx.warp.vmm.kvm.KvmHostProbe;
import org.wslx.warp.vmm.kvm.KvmHostStatus;

/**
 * Debian's cloud kernel on WARP's monitor through the Linux boot protocol. Under kvm_pvm the
 * kernel's code is emulated (DESIGN.md §5), so here it is followed only to its first console lines;
 * the full boot to the agent runs where hardware KVM exists.
 */
class KvmLinuxSystemTest {
    static final String COMMAND_LINE = "console=ttyS0 earlyprintk=serial,ttyS0,115200";
    static final Duration FIRST_LINES = Duration.ofSeconds(Long.getLong("warp.kvm.linux.seconds", 180));
    private final KvmBackend backend = new KvmBackend();
    private KvmHostStatus host;
    private Path bzImage;

    @TempDir
    Path dir;

    @BeforeEach
    void requireKvmAndKernel() throws IOException {
        host = KvmHostProbe.probe();
        if (!host.usable()) {
            System.out.println("skipped: " + host.summary());
        }
        Assumptions.assumeTrue(host.usable(), host.summary());
        bzImage = cachedDebianKernel();
        Assumptions.assumeTrue(bzImage != null, "no Debian kernel cached; personalities/linux/guest/fetch-kernel.sh fetches it");
        backend.configure(name -> null);
        backend.addBootMethod(new LinuxBootProtocol());
    }

    static Path cachedDebianKernel() throws IOException {
        Path kernels = Path.of(System.getProperty("user.home"), ".cache", "wslx-warp", "kernels");
        if (Files.isDirectory(kernels)) {
            try (DirectoryStream<Path> versions = Files.newDirectoryStream(kernels)) {
                for (Path version : versions) {
                    if (Files.isRegularFile(version.resolve("vmlinuz"))) {
                        return version.resolve("vmlinuz");
                    }
                }
            }
        }
        System.out.println("skipped: no Debian kernel at " + kernels + "/*/vmlinuz (personalities/linux/guest/fetch-kernel.sh)");
        return null;
    }

    @Test
    void debiansKernelPrintsItsBannerCommandLineAndOurMemoryMap() throws Exception {
        // The bzImage path decompresses inside the guest, emulated under kvm_pvm: -Dwarp.kvm.linux.bzImage=true tries it.
        Path vmlinux = bzImage;
        if (!Boolean.getBoolean("warp.kvm.linux.bzImage")) {
            long t0 = System.nanoTime();
            vmlinux = VmlinuxExtractor.extract(bzImage, dir.resolve("vmlinux"));
            System.out.printf("extracted %s (%d bytes) in %.0f ms%n", vmlinux, Files.size(vmlinux), (System.nanoTime() - t0) / 1e6);
        }
        Path run = dir.resolve("run");
        MachineSpec spec = new MachineSpec("debian-kvm", new BootPayload("linux", vmlinux, List.of(), COMMAND_LINE), 1, 256,
                List.of(), run, run.resolve("console.log"));
        VirtualMachine vm = backend.launch(spec);
        String console;
        long started = System.nanoTime();
        try {
            console = awaitConsole(run.resolve("console.log"), vm, "reserved", FIRST_LINES);
        } finally {
            vm.stop(Duration.ZERO);
        }
        System.out.printf("first console lines after %.1f s:%n%s%n", (System.nanoTime() - started) / 1e9, console);
        assertTrue(console.contains("Linux version 6."), console);
        assertTrue(console.contains("Command line: " + COMMAND_LINE + " " + KvmBackend.LINUX_VIRTIO_PARAMETER), console);
        assertTrue(console.contains("BIOS-e820: [mem 0x0000000000000000-0x000000000009efff] usable"), console);
        assertTrue(console.contains("BIOS-e820: [mem 0x0000000000100000-0x000000000fffffff] usable"), console);
        assertTrue(console.contains("BIOS-e820: [mem 0x00000000feb00000-0x00000000feb00fff] reserved"), console);
        assertEquals(3, Pattern.compile("BIOS-e820: ").matcher(console).results().count(), console);
    }

    /** Waits until the console log holds a line containing {@code marker} among its e820 lines. */
    static String awaitConsole(Path log, VirtualMachine vm, String marker, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Pattern done = Pattern.compile("BIOS-e820: .*" + Pattern.quote(marker));
        while (System.nanoTime() < deadline) {
            String text = Files.isRegularFile(log) ? Files.readString(log).replace("\r", "") : "";
            Matcher m = done.matcher(text);
            if (m.find()) {
                return text;
            }
            if (vm.exit().toCompletableFuture().isDone()) {
                throw new AssertionError("the machine ended before printing its memory map: "
                        + vm.exit().toCompletableFuture().get().reason());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no memory map on the console within " + timeout.toSeconds() + " s:\n" + vm.consoleTail(30));
    }

    /**
     * The full boot to the agent, as an instance would run: the personality's initramfs and a boot
     * secret, the busybox image as an ext4 root on /dev/vda (virtio block, slot 1), the agent's
     * session over /dev/hvc0 (virtio console, slot 0) through the real host control plane, a
     * command and every byte value through it, then a clean power-off. Needs hardware KVM; under
     * kvm_pvm kernel code is emulated and the kernel does not get that far (DESIGN.md §5).
     */
    @Test
    void debianBootsToTheAgentOnHardwareKvm() throws Exception {
        if (!host.hardware()) {
            System.out.println("skipped: /dev/kvm is " + (host.pvm() ? "kvm_pvm" : "not hardware-backed")
                    + ": a Linux kernel's code is emulated here and does not reach the agent; this test runs on hardware KVM");
        }
        Assumptions.assumeTrue(host.hardware(), "needs hardware KVM (kvm_intel or kvm_amd); this host has " + host.modules());
        String missing = TrackAGuest.missing();
        Assumptions.assumeTrue(missing == null, missing);
        Path kernel = TrackAGuest.kernel();
        String undiscoverable = TrackAGuest.virtioMmioDiscovery(kernel);
        if (undiscoverable != null) {
            System.out.println("skipped: " + undiscoverable);
        }
        Assumptions.assumeTrue(undiscoverable == null, undiscoverable);
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        Path root = TrackAGuest.rootDisk(dir.resolve("root.img"), 32);
        Path run = dir.resolve("run-full");
        MachineSpec spec = new MachineSpec("debian-full", new BootPayload("linux", kernel,
                List.of(TrackAGuest.INITRAMFS, TrackAGuest.secretArchive(dir.resolve("secret.cpio"), secret)),
                "console=ttyS0 panic=-1 warp.root=/dev/vda"), 1, 512, List.of(new DiskAttachment(root, false)), run,
                run.resolve("console.log"));
        long t0 = System.nanoTime();
        VirtualMachine vm = backend.launch(spec);
        try {
            GuestSession session = new HostControlPlane().open(vm.controlChannel(),
                    new SessionParameters("debian-full", secret, new GuestConfig("debian-full", Map.of(), List.of()), Duration.ofSeconds(60)));
            System.out.printf("boot to agent-ready on the kvm backend: %.0f ms%n", (System.nanoTime() - t0) / 1e6);
            GuestProcess uname = session.exec(ExecRequest.of("uname", "-r").withUser("root"));
            assertTrue(new String(uname.stdout().readAllBytes(), StandardCharsets.UTF_8).strip().endsWith("-cloud-amd64"));
            byte[] payload = new byte[256 * 16];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) i;
            }
            GuestProcess cat = session.exec(ExecRequest.of("cat").withUser("root"));
            java.util.concurrent.CompletableFuture<byte[]> echoed = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return cat.stdout().readAllBytes();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (java.io.OutputStream stdin = cat.stdin()) {
                stdin.write(payload);
            }
            assertArrayEquals(payload, echoed.get(60, java.util.concurrent.TimeUnit.SECONDS));
            String console = Files.readString(spec.consoleLog());
            assertTrue(console.contains("control channel is the virtio console /dev/hvc0"), console);
            assertTrue(console.contains("root is /dev/vda"), console);
            session.shutdown(Duration.ofSeconds(30));
            assertTrue(vm.exit().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS).requested());
        } finally {
            vm.stop(Duration.ofSeconds(5));
        }
    }
}
