package org.wslx.warp.backend.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.backend.BackendException;
import org.wslx.warp.backend.BackendStatus;
import org.wslx.warp.backend.MachineExit;
import org.wslx.warp.backend.MachineSpec;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.boot.elf64.Elf64DirectBoot;
import org.wslx.warp.vmm.kvm.KvmHostProbe;

/** Boots small ELF64 guests written here on the real /dev/kvm; skipped with the reason where it is absent. */
class KvmBackendSystemTest {
    static final long CODE = 0x200000;
    private final KvmBackend backend = new KvmBackend();

    @TempDir
    Path dir;

    @BeforeEach
    void requireKvm() {
        UsableKvm.assume();
        backend.configure(name -> null);
        backend.addBootMethod(new Elf64DirectBoot());
    }

    /** Prints "OK\n" on COM1, then writes the dword at [RBX] (hvm_start_info's magic) to the power-off port. */
    static final byte[] PRINT_AND_POWER_OFF = {
        0x66, (byte) 0xBA, (byte) 0xF8, 0x03,       // mov dx, 0x3f8
        (byte) 0xB0, 'O', (byte) 0xEE,               // mov al, 'O'; out dx, al
        (byte) 0xB0, 'K', (byte) 0xEE,               // mov al, 'K'; out dx, al
        (byte) 0xB0, '\n', (byte) 0xEE,              // mov al, '\n'; out dx, al
        (byte) 0x8B, 0x03,                           // mov eax, [rbx]
        0x66, (byte) 0xBA, (byte) 0xF4, 0x00,        // mov dx, 0xf4
        (byte) 0xEF,                                 // out dx, eax
        (byte) 0xF4, (byte) 0xEB, (byte) 0xFD        // hlt; jmp back to hlt
    };
    /**
     * Reads the virtio-mmio slots and powers off with what it saw: slot 1's DeviceID, slot 2's
     * DeviceID shifted by 4, and slot 1's capacity (sectors) shifted by 8.
     */
    static final byte[] PROBE_SLOTS = {
        0x48, (byte) 0xBB, 0x00, 0x02, (byte) 0xB0, (byte) 0xFE, 0, 0, 0, 0,   // mov rbx, 0xfeb00200
        (byte) 0x8B, 0x43, 0x08,                                              // mov eax, [rbx+0x8]
        (byte) 0x8B, (byte) 0x8B, 0x08, 0x02, 0x00, 0x00,                     // mov ecx, [rbx+0x208]
        (byte) 0xC1, (byte) 0xE1, 0x04,                                       // shl ecx, 4
        0x09, (byte) 0xC8,                                                    // or eax, ecx
        (byte) 0x8B, (byte) 0x8B, 0x00, 0x01, 0x00, 0x00,                     // mov ecx, [rbx+0x100]
        (byte) 0xC1, (byte) 0xE1, 0x08,                                       // shl ecx, 8
        0x09, (byte) 0xC8,                                                    // or eax, ecx
        0x66, (byte) 0xBA, (byte) 0xF4, 0x00,                                 // mov dx, 0xf4
        (byte) 0xEF,                                                          // out dx, eax
        (byte) 0xF4, (byte) 0xEB, (byte) 0xFD                                 // hlt; jmp back to hlt
    };
    static final byte[] SPIN = {(byte) 0xEB, (byte) 0xFE};          // jmp $
    static final byte[] UNDEFINED = {0x0F, 0x0B};                    // ud2 with no IDT: a triple fault

    Path guest(String name, byte[] code) throws IOException {
        return Files.write(dir.resolve(name), new TestElf().entry(CODE).segment(CODE, code, 0x1000, 5).build());
    }

    MachineSpec spec(String name, Path kernel, String method) {
        Path run = dir.resolve("run-" + name);
        return new MachineSpec(name, new BootPayload(method, kernel, List.of(), "warp.test=1"), 1, 64, List.of(), run,
                run.resolve("console.log"));
    }

    @Test
    void bootsAnElf64GuestThatPrintsAndPowersOff() throws Exception {
        KvmMachine vm = (KvmMachine) backend.launch(spec("hello", guest("hello.elf", PRINT_AND_POWER_OFF), "elf64"));
        MachineExit exit = vm.exit().toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.out.println("launch: " + vm.timings());
        assertTrue(exit.requested(), exit.reason());
        assertEquals("instance 'hello': the guest powered itself off (wrote 0x336ec578 to port 0xf4).", exit.reason(),
                "RBX pointed at hvm_start_info");
        assertEquals("OK", vm.consoleTail(5));
        assertEquals("OK\n", Files.readString(dir.resolve("run-hello/console.log")));
        vm.memoryFile().ifPresent(file -> assertFalse(Files.exists(file), "memory file removed"));
    }

    @Test
    void measuresLaunchTime() throws Exception {
        Path kernel = guest("hello.elf", PRINT_AND_POWER_OFF);
        for (int mib : new int[] {64, 512}) {
            int warmUp = 20;
            int runs = 60;
            List<Long> totals = new ArrayList<>();
            java.util.Map<String, List<Long>> phases = new java.util.LinkedHashMap<>();
            for (int i = 0; i < warmUp + runs; i++) {
                Path run = dir.resolve("run-m" + mib + "-" + i);
                MachineSpec spec = new MachineSpec("m" + i, new BootPayload("elf64", kernel, List.of(), "warp.test=1"), 1, mib, List.of(),
                        run, run.resolve("console.log"));
                long t0 = System.nanoTime();
                KvmMachine vm = (KvmMachine) backend.launch(spec);
                long launched = System.nanoTime() - t0;
                vm.exit().toCompletableFuture().get(30, TimeUnit.SECONDS);
                if (i >= warmUp) {
                    totals.add(launched);
                    vm.timings().phases().forEach((k, v) -> phases.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
                }
            }
            System.out.printf("launch of %d MiB (spec -> vCPU running), %d runs after %d warm-up: median %.2f ms, min %.2f ms, max %.2f ms%n",
                    mib, runs, warmUp, median(totals) / 1e6, Collections.min(totals) / 1e6, Collections.max(totals) / 1e6);
            StringBuilder b = new StringBuilder("median per phase:");
            for (String phase : KvmMachine.PHASES) {
                b.append(String.format(" %s %.2f ms;", phase, median(phases.getOrDefault(phase, List.of(0L))) / 1e6));
            }
            System.out.println(b);
        }
    }

    /** Many launches in a row; run with -Dwarp.kvm.stress=N. On a hang, prints every thread's stack. */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "warp.kvm.stress", matches = "\\d+")
    void launchesManyMachinesInARow() throws Exception {
        Path kernel = guest("hello.elf", PRINT_AND_POWER_OFF);
        int n = Integer.parseInt(System.getProperty("warp.kvm.stress"));
        for (int i = 0; i < n; i++) {
            KvmMachine vm = (KvmMachine) backend.launch(spec("s" + i, kernel, "elf64"));
            try {
                vm.exit().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                Thread.getAllStackTraces().forEach((t, st) -> {
                    System.out.println("THREAD " + t.getName() + " " + t.getState());
                    for (StackTraceElement el : st) {
                        System.out.println("    at " + el);
                    }
                });
                throw new AssertionError("launch " + i + " did not end; console: " + vm.consoleTail(5), e);
            }
        }
    }

    /** Boots a kernel named by -Dwarp.kvm.kernel=FILE through elf64 for a few seconds and prints what it did. */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "warp.kvm.kernel", matches = ".+")
    void bootsTheGivenKernel() throws Exception {
        Path kernel = Path.of(System.getProperty("warp.kvm.kernel"));
        long t0 = System.nanoTime();
        KvmMachine vm = (KvmMachine) backend.launch(spec("given", kernel, "elf64"));
        System.out.println("launch: " + vm.timings());
        try {
            MachineExit exit = vm.exit().toCompletableFuture().get(Long.getLong("warp.kvm.seconds", 5), TimeUnit.SECONDS);
            System.out.printf("ended after %.1f ms: %s%n", (System.nanoTime() - t0) / 1e6, exit);
        } catch (java.util.concurrent.TimeoutException e) {
            System.out.println("still running; console:\n" + vm.consoleTail(40));
            vm.stop(Duration.ZERO);
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void eachDiskIsAVirtioBlockDeviceInTheNextSlot() throws Exception {
        Path disk = Files.write(dir.resolve("disk.img"), new byte[8 * 512]);
        Path run = dir.resolve("run-disk");
        MachineSpec spec = new MachineSpec("disk", new BootPayload("elf64", guest("probe.elf", PROBE_SLOTS), List.of(), ""), 1, 64,
                List.of(new org.wslx.warp.backend.DiskAttachment(disk, true)), run, run.resolve("console.log"));
        MachineExit exit = backend.launch(spec).exit().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals("instance 'disk': the guest powered itself off (wrote 0x802 to port 0xf4).", exit.reason(),
                "slot 1 is a block device (ID 2) of 8 sectors, slot 2 is empty (ID 0)");
    }

    @Test
    void aMissingDiskIsAClearError() throws Exception {
        Path absent = dir.resolve("absent.img");
        Path run = dir.resolve("run-nodisk");
        MachineSpec spec = new MachineSpec("nodisk", new BootPayload("elf64", guest("x.elf", SPIN), List.of(), ""), 1, 64,
                List.of(new org.wslx.warp.backend.DiskAttachment(absent, false)), run, run.resolve("console.log"));
        BackendException e = assertThrows(BackendException.class, () -> backend.launch(spec));
        assertEquals("instance 'nodisk': disk 0 '" + absent + "' cannot be opened: java.nio.file.NoSuchFileException: " + absent,
                e.getMessage());
    }

    @Test
    void stopEndsASpinningGuestAndRemovesItsMemoryFile() throws Exception {
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm) && MemoryBacking.inMemoryFilesystem(shm), "/dev/shm is not a tmpfs here");
        Path run = Files.createTempDirectory(shm, "warp-kvm-test-");
        try {
            MachineSpec spec = new MachineSpec("spin", new BootPayload("elf64", guest("spin.elf", SPIN), List.of(), ""), 1, 64,
                    List.of(), run, dir.resolve("spin-console.log"));
            KvmMachine vm = (KvmMachine) backend.launch(spec);
            Path memoryFile = vm.memoryFile().orElseThrow();
            assertEquals(run, memoryFile.getParent(), "guest memory is a file in a runtime directory on tmpfs");
            assertTrue(Files.exists(memoryFile));
            vm.stop(Duration.ofSeconds(1));
            MachineExit exit = vm.exit().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertEquals(new MachineExit(true, "instance 'spin': stopped by the host."), exit);
            assertFalse(Files.exists(memoryFile));
            vm.stop(Duration.ZERO); // idempotent
            assertThrows(BackendException.class, vm::controlChannel);
        } finally {
            Files.deleteIfExists(run);
        }
    }

    @Test
    void guestMemoryStaysOffDiskFilesystems() throws Exception {
        Assumptions.assumeFalse(MemoryBacking.inMemoryFilesystem(dir), "the temporary directory is itself a memory filesystem");
        KvmMachine vm = (KvmMachine) backend.launch(spec("memfd", guest("spin.elf", SPIN), "elf64"));
        try {
            assertTrue(vm.memoryFile().isEmpty(), "an anonymous memory file, not a file on " + Files.getFileStore(dir).type());
            try (var files = Files.list(dir.resolve("run-memfd"))) {
                assertEquals(List.of("console.log"), files.map(p -> p.getFileName().toString()).toList());
            }
        } finally {
            vm.stop(Duration.ZERO);
        }
    }

    @Test
    void aTripleFaultEndsTheMachineWithTheConsoleTail() throws Exception {
        KvmMachine vm = (KvmMachine) backend.launch(spec("fault", guest("fault.elf", UNDEFINED), "elf64"));
        MachineExit exit = vm.exit().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertFalse(exit.requested());
        assertTrue(exit.reason().startsWith("instance 'fault': the guest shut down (a triple fault does this)"), exit.reason());
        assertTrue(exit.reason().contains("Last console lines:"), exit.reason());
    }

    @Test
    void deactivatingTheBackendStopsItsMachines() throws Exception {
        KvmMachine vm = (KvmMachine) backend.launch(spec("spin2", guest("spin.elf", SPIN), "elf64"));
        backend.deactivate();
        MachineExit exit = vm.exit().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(exit.requested(), exit.reason());
    }

    @Test
    void theControlChannelIsHandedOutOnce() throws Exception {
        KvmMachine vm = (KvmMachine) backend.launch(spec("chan", guest("spin.elf", SPIN), "elf64"));
        try {
            assertTrue(vm.controlChannel().describe().contains("virtio console"));
            assertThrows(BackendException.class, vm::controlChannel);
        } finally {
            vm.stop(Duration.ZERO);
        }
    }

    @Test
    void aKernelThatIsNotElf64IsAClearError() throws Exception {
        Path junk = Files.write(dir.resolve("junk.bin"), "not a kernel".getBytes());
        BackendException e = assertThrows(BackendException.class, () -> backend.launch(spec("junk", junk, "elf64")));
        assertEquals("instance 'junk': kernel '" + junk + "': is not an ELF file (no \\x7fELF magic)", e.getMessage());
    }

    @Test
    void aSegmentOutsideMemoryIsAClearError() throws Exception {
        Path big = Files.write(dir.resolve("big.elf"), new TestElf().entry(CODE).segment(CODE, SPIN, 0x1000, 5)
                .segment(0x7000000, new byte[16], 0x2000000, 6).build());
        BackendException e = assertThrows(BackendException.class, () -> backend.launch(spec("big", big, "elf64")));
        assertEquals("instance 'big': kernel '" + big + "': segment 1 [0x7000000, 0x9000000) lies outside guest RAM"
                + " [RAM [0x0, 0xe0000), RAM [0x100000, 0x4000000)]",
                e.getMessage());
    }

    @Test
    void anAbsentKvmDeviceIsAClearError() throws Exception {
        KvmBackend broken = new KvmBackend();
        broken.configure(name -> KvmBackend.DEVICE_PROPERTY.equals(name) ? "/nonexistent/kvm" : null);
        broken.addBootMethod(new Elf64DirectBoot());
        BackendStatus status = broken.status();
        assertFalse(status.available());
        assertTrue(status.detail().contains("/nonexistent/kvm"), status.detail());
        BackendException e = assertThrows(BackendException.class, () -> broken.launch(spec("nokvm", guest("x.elf", SPIN), "elf64")));
        assertTrue(e.getMessage().startsWith("instance 'nokvm': ") && e.getMessage().contains("/nonexistent/kvm"), e.getMessage());
        System.out.println("absent device: " + e.getMessage());
    }

    @Test
    void aMissingBootMethodIsAClearError() throws Exception {
        BackendException e = assertThrows(BackendException.class, () -> backend.launch(spec("nolinux", guest("x.elf", SPIN), "linux")));
        assertEquals("instance 'nolinux': boot method 'linux' is not available: no MemoryLoadingBootMethod service with "
                + "warp.boot.method=linux is registered (is its bundle active?).", e.getMessage());
        e = assertThrows(BackendException.class, () -> backend.launch(spec("uefi", guest("x.elf", SPIN), "uefi")));
        assertEquals("instance 'uefi': the kvm backend cannot perform boot method 'uefi'; it supports " + KvmBackend.BOOT_METHODS + ".",
                e.getMessage());
    }

    @Test
    void statusSaysWhatKindOfKvmThisIs() {
        BackendStatus status = backend.status();
        System.out.println("status: " + status);
        assertTrue(status.available());
        if (KvmHostProbe.probe().pvm()) {
            assertEquals("kvm_pvm", status.accelerator());
            assertTrue(status.detail().contains("use the qemu backend for Linux guests"), status.detail());
        }
    }
}
