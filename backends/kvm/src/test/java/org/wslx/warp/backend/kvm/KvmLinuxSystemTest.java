package org.wslx.warp.backend.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import org.wslx.warp.backend.kvm.acpi.AcpiImage;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.backend.kvm.linux.TrackAGuest;
import org.wslx.warp.boot.linux.LinuxBootProtocol;
import org.wslx.warp.control.ExecRequest;
import org.wslx.warp.control.GuestConfig;
import org.wslx.warp.control.GuestProcess;
import org.wslx.warp.control.GuestSession;
import org.wslx.warp.control.SessionParameters;
import org.wslx.warp.control.host.HostControlPlane;
import org.wslx.warp.vmm.kvm.KvmHostStatus;

/**
 * Debian's cloud kernel on WARP's monitor through the Linux boot protocol. Under kvm_pvm the
 * kernel's code is emulated under kvm_pvm, so here it is followed only to its first console lines;
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
        host = UsableKvm.assume();
        bzImage = TrackAGuest.kernel();
        String noKernel = "no Debian kernel cached under ~/.cache/wslx-warp/kernels (personalities/linux/guest/fetch-kernel.sh fetches it)";
        if (bzImage == null) {
            System.out.println("skipped: " + noKernel);
        }
        Assumptions.assumeTrue(bzImage != null, noKernel);
        backend.configure(name -> null);
        backend.addBootMethod(new LinuxBootProtocol());
    }

    @Test
    void debiansKernelPrintsItsBannerCommandLineOurMemoryMapAndAcpiTables() throws Exception {
        // The bzImage path decompresses inside the guest, emulated under kvm_pvm: -Dwarp.kvm.linux.bzImage=true tries it.
        Path vmlinux = bzImage;
        if (!Boolean.getBoolean("warp.kvm.linux.bzImage")) {
            long t0 = System.nanoTime();
            vmlinux = VmlinuxExtractor.extract(bzImage, dir.resolve("vmlinux"));
            System.out.printf("extracted %s (%d bytes) in %.0f ms%n", vmlinux, Files.size(vmlinux), (System.nanoTime() - t0) / 1e6);
        }
        Path run = dir.resolve("run");
        // Two vCPUs and a disk, so the MADT has two processors and the DSDT two virtio-mmio slots.
        Path disk = Files.write(dir.resolve("disk.img"), new byte[1 << 20]);
        MachineSpec spec = new MachineSpec("debian-kvm", new BootPayload("linux", vmlinux, List.of(), COMMAND_LINE), 2, 256,
                List.of(new DiskAttachment(disk, true)), run, run.resolve("console.log"));
        AcpiImage acpi = MachineAcpi.tables(2, 1);
        VirtualMachine vm = backend.launch(spec);
        String console;
        long started = System.nanoTime();
        try {
            // The kernel lists the tables at once, and some 10 s of emulated kernel code later has parsed the MADT.
            console = awaitConsole(run.resolve("console.log"), vm, Pattern.compile("smpboot: Allowing \\d+ CPUs"), FIRST_LINES);
            // How far the kernel gets beyond that in a given time (-Dwarp.kvm.linux.beyond=SECONDS), to see what is worth asserting.
            long beyond = Long.getLong("warp.kvm.linux.beyond", 0);
            if (beyond > 0) {
                Thread.sleep(beyond * 1000);
                console = Files.readString(run.resolve("console.log")).replace("\r", "");
            }
        } finally {
            vm.stop(Duration.ZERO);
        }
        System.out.printf("first console lines after %.1f s:%n%s%n", (System.nanoTime() - started) / 1e9, console);
        assertTrue(console.contains("Linux version 6."), console);
        assertTrue(console.contains("Command line: " + COMMAND_LINE + " " + VirtioSlots.linuxParameters(1)), console);
        assertTrue(console.contains("BIOS-e820: [mem 0x0000000000000000-0x000000000009efff] usable"), console);
        assertTrue(console.contains("BIOS-e820: [mem 0x00000000000e0000-0x00000000000fffff] reserved"), console);
        assertTrue(console.contains("BIOS-e820: [mem 0x0000000000100000-0x000000000fffffff] usable"), console);
        assertTrue(console.contains("BIOS-e820: [mem 0x00000000feb00000-0x00000000feb00fff] reserved"), console);
        assertEquals(4, Pattern.compile("BIOS-e820: ").matcher(console).results().count(), console);
        // The kernel found the tables where the monitor put them, read their headers and accepted their checksums.
        assertTrue(console.contains(String.format("ACPI: RSDP 0x%016X 000024 (v02 WSLX  )", acpi.rsdp())), console);
        for (String signature : List.of("XSDT", "FACP", "DSDT", "APIC")) {
            long address = acpi.tables().get(signature);
            int at = (int) (address - acpi.base());
            byte[] b = acpi.bytes();
            int length = (b[at + 4] & 0xFF) | (b[at + 5] & 0xFF) << 8;
            String line = String.format("ACPI: %s 0x%016X %06X (v%02d WSLX   WARPVM   00000001 WARP 00000001)", signature, address, length,
                    b[at + 8]);
            assertTrue(console.contains(line), line + " not in:\n" + console);
        }
        assertTrue(!console.contains("ACPI BIOS Warning") && !console.contains("ACPI BIOS Error") && !console.contains("Incorrect checksum"),
                console);
        // The MADT as the kernel understood it: the IOAPIC, the PIT on pin 0, the UART and both slots level-triggered, two CPUs.
        assertTrue(Pattern.compile("IOAPIC\\[0\\]: apic_id 0, version \\d+, address 0xfec00000, GSI 0-23").matcher(console).find(), console);
        assertTrue(console.contains("ACPI: LAPIC_NMI (acpi_id[0xff] dfl dfl lint[0x1])"), console);
        assertTrue(console.contains("ACPI: INT_SRC_OVR (bus 0 bus_irq 0 global_irq 0 dfl dfl)"), console);
        for (int irq : new int[] {4, 5, 6}) {
            assertTrue(console.contains("ACPI: INT_SRC_OVR (bus 0 bus_irq " + irq + " global_irq " + irq + " high level)"), console);
        }
        assertTrue(console.contains("ACPI: Using ACPI (MADT) for SMP configuration information"), console);
        assertTrue(console.contains("smpboot: Allowing 2 CPUs, 0 hotplug CPUs"), console);
    }

    /** Waits until the console log holds {@code done}; the machine must not end before. */
    static String awaitConsole(Path log, VirtualMachine vm, Pattern done, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.isRegularFile(log) ? Files.readString(log).replace("\r", "") : "";
            Matcher m = done.matcher(text);
            if (m.find()) {
                return text;
            }
            if (vm.exit().toCompletableFuture().isDone()) {
                throw new AssertionError("the machine ended before printing '" + done + "': "
                        + vm.exit().toCompletableFuture().get().reason());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + done + "' on the console within " + timeout.toSeconds() + " s:\n" + vm.consoleTail(30));
    }

    /**
     * The full boot to the agent, as an instance would run: the personality's initramfs and a boot
     * secret, the busybox image as an ext4 root on /dev/vda (virtio block, slot 1), the agent's
     * session over /dev/hvc0 (virtio console, slot 0) through the real host control plane, a
     * command and every byte value through it, then a clean power-off. Needs hardware KVM; under
     * kvm_pvm kernel code is emulated and the kernel does not get that far.
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
