package org.wslx.warp.backend.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.backend.MachineSpec;
import org.wslx.warp.backend.VirtualMachine;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.boot.linux.LinuxBootProtocol;
import org.wslx.warp.control.ByteStream;
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
     * The full boot to the agent: the personality's initramfs, the agent's HELLO on the virtio
     * console. Needs hardware KVM; under kvm_pvm kernel code is emulated and the kernel does not get
     * that far (DESIGN.md §5).
     */
    @Test
    void debianBootsToTheAgentOnHardwareKvm() throws Exception {
        if (!host.hardware()) {
            System.out.println("skipped: /dev/kvm is " + (host.pvm() ? "kvm_pvm" : "not hardware-backed")
                    + ": a Linux kernel's code is emulated here and does not reach the agent; this test runs on hardware KVM");
        }
        Assumptions.assumeTrue(host.hardware(), "needs hardware KVM (kvm_intel or kvm_amd); this host has " + host.modules());
        Path initramfs = Path.of(System.getProperty("user.dir")).resolve("../../personalities/linux/target/classes/guest/initramfs.cpio")
                .normalize();
        Assumptions.assumeTrue(Files.isRegularFile(initramfs), "no initramfs at " + initramfs + " (build personalities/linux)");
        Path run = dir.resolve("run-full");
        VirtualMachine vm = backend.launch(new MachineSpec("debian-full", new BootPayload("linux", bzImage, List.of(initramfs),
                "console=ttyS0 panic=-1"), 1, 512, List.of(), run, run.resolve("console.log")));
        try (ByteStream channel = vm.controlChannel()) {
            InputStream in = channel.input();
            byte[] header = in.readNBytes(12);
            assertEquals(12, header.length, vm.consoleTail(30));
            assertEquals(0x0001, ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getShort(4), "HELLO first");
        } finally {
            vm.stop(Duration.ofSeconds(5));
        }
    }
}
