package org.wslx.warp.backend.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.backend.DiskAttachment;
import org.wslx.warp.backend.MachineExit;
import org.wslx.warp.backend.MachineSpec;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.boot.elf64.Elf64DirectBoot;

/**
 * A guest written in C (src/test/c/virtio_blk_guest.c, built here with gcc) drives the disk in
 * virtio-mmio slot 1 through its virtqueue on the real /dev/kvm: it negotiates features, sets up a
 * split queue, reads sector 3, writes sector 5 with what it read, flushes, and reports on COM1. The
 * test checks what the guest saw of sector 3 and the bytes that landed in the disk file.
 */
class VirtioBlockKvmTest {
    private static final Path SOURCES = Path.of("src/test/c");
    private static final int SECTOR = 512;
    private static final int SECTORS = 16;
    private static final String TEXT = "sector three of the test disk";

    private final KvmBackend backend = new KvmBackend();

    @TempDir
    Path dir;

    @BeforeEach
    void requireKvm() {
        UsableKvm.assume();
        backend.configure(name -> null);
        backend.addBootMethod(new Elf64DirectBoot());
    }

    @Test
    void aGuestReadsAndWritesSectorsThroughTheVirtqueue() throws Exception {
        Path kernel = buildGuest();
        byte[] original = new byte[SECTORS * SECTOR];
        new Random(42).nextBytes(original);
        byte[] text = TEXT.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, original, 3 * SECTOR, text.length);
        original[3 * SECTOR + text.length] = 0;
        Path disk = Files.write(dir.resolve("disk.img"), original);

        Path run = dir.resolve("run");
        MachineSpec spec = new MachineSpec("blk", new BootPayload("elf64", kernel, List.of(), ""), 1, 64,
                List.of(new DiskAttachment(disk, false)), run, run.resolve("console.log"));
        MachineExit exit = backend.launch(spec).exit().toCompletableFuture().get(60, TimeUnit.SECONDS);
        String console = Files.readString(run.resolve("console.log"));
        System.out.print("guest console:\n" + console);

        assertEquals("instance 'blk': the guest powered itself off (wrote 0x600d to port 0xf4).", exit.reason(), console);
        assertEquals("id 2 capacity " + SECTORS + "\n"
                + "read 3 status 0 sum " + Integer.toUnsignedString(weightedSum(original, 3)) + " text " + TEXT + "\n"
                + "write 5 status 0\n"
                + "flush status 0\n", console);

        byte[] expected = original.clone();
        byte[] written = new byte[SECTOR];
        for (int i = 0; i < SECTOR; i++) {
            written[i] = (byte) (i * 7);
        }
        byte[] line = ("guest read: " + TEXT + "\0").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(line, 0, written, 0, line.length);
        System.arraycopy(written, 0, expected, 5 * SECTOR, SECTOR);
        byte[] after = Files.readAllBytes(disk);
        assertArrayEquals(written, Arrays.copyOfRange(after, 5 * SECTOR, 6 * SECTOR), "sector 5 holds what the guest wrote");
        assertArrayEquals(expected, after, "no other sector changed");
    }

    /** What the guest computes over one sector: the sum of byte i × (i + 1), modulo 2^32. */
    private static int weightedSum(byte[] disk, int sector) {
        int sum = 0;
        for (int i = 0; i < SECTOR; i++) {
            sum += (disk[sector * SECTOR + i] & 0xFF) * (i + 1);
        }
        return sum;
    }

    /** Builds the guest with the flags the Track B kernel uses at CPL 0; skips where gcc is absent. */
    private Path buildGuest() throws IOException, InterruptedException {
        Path elf = dir.resolve("virtio_blk_guest.elf");
        List<String> command = List.of("gcc", "-std=gnu11", "-O2", "-Wall", "-Wextra", "-ffreestanding", "-fno-builtin", "-fno-pic",
                "-fno-pie", "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-mno-red-zone", "-mgeneral-regs-only",
                "-nostdlib", "-static", "-no-pie", "-Wl,-T," + SOURCES.resolve("virtio_blk_guest.ld").toAbsolutePath(),
                "-Wl,--build-id=none", "-Wl,-z,noexecstack", "-Wl,--no-warn-rwx-segments",
                "-o", elf.toString(), SOURCES.resolve("virtio_blk_guest.c").toAbsolutePath().toString());
        Process gcc;
        try {
            gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            System.out.println("skipped: gcc cannot be started: " + e.getMessage());
            Assumptions.abort("gcc cannot be started: " + e.getMessage());
            throw e;
        }
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, gcc.waitFor(), "gcc failed to build the guest:\n" + output);
        return elf;
    }
}
