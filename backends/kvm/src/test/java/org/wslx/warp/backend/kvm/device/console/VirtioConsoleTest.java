package org.wslx.warp.backend.kvm.device.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wslx.warp.backend.kvm.device.RecordingLine;
import org.wslx.warp.backend.kvm.device.virtio.TestDriver;
import org.wslx.warp.backend.kvm.device.virtio.VirtioMmioTransport;
import org.wslx.warp.vmm.memory.GuestMemory;

class VirtioConsoleTest {
    private static final int NEXT = 1;
    private static final int WRITE = 2;
    private final GuestMemory memory = GuestMemory.builder().region(0, 1 << 20).name("virtio-console-test").build();
    private final RecordingLine irq = new RecordingLine();
    private final VirtioConsole console = new VirtioConsole("test console");
    private final VirtioMmioTransport transport = new VirtioMmioTransport("virtio-mmio slot 0", memory, irq, console);
    private final TestDriver driver = new TestDriver(transport, memory);

    @AfterEach
    void close() {
        console.close();
        memory.close();
    }

    @Test
    void identifiesItselfAsAVersion2ConsoleOfferingOnlyVersion1() {
        assertEquals(0x74726976, driver.read(0x000));
        assertEquals(2, driver.read(0x004));
        assertEquals(3, driver.read(0x008));
        driver.write(0x014, 0);
        assertEquals(0, driver.read(0x010), "no MULTIPORT, SIZE or EMERG_WRITE");
        driver.write(0x014, 1);
        assertEquals(1, driver.read(0x010), "VIRTIO_F_VERSION_1");
        driver.write(0x030, 0);
        assertEquals(256, driver.read(0x034));
        driver.write(0x030, 2);
        assertEquals(0, driver.read(0x034), "there is no queue 2");
    }

    @Test
    void refusesFeaturesOkWithoutVersion1OrWithMultiport() {
        driver.initialise(0);
        assertEquals(0, driver.read(0x070) & 8);
        driver.initialise(1L << 32 | 1L << 1);
        assertEquals(0, driver.read(0x070) & 8);
        driver.initialise(1L << 32);
        assertEquals(1 | 2 | 4 | 8, driver.read(0x070));
    }

    @Test
    void guestBytesInAChainReachTheHostInOrder() throws IOException {
        driver.initialise(1L << 32);
        memory.write(0x40000, "hel".getBytes(StandardCharsets.US_ASCII));
        memory.write(0x40100, "lo, host".getBytes(StandardCharsets.US_ASCII));
        int second = driver.descriptor(1, 0x40100, 8, 0, 0);
        int head = driver.descriptor(1, 0x40000, 3, NEXT, second);
        driver.offer(1, head);
        byte[] got = new byte[11];
        assertEquals(11, console.input().readNBytes(got, 0, 11));
        assertEquals("hello, host", new String(got, StandardCharsets.US_ASCII));
        assertEquals(1, driver.usedIndex(1));
        assertEquals(head, driver.usedId(1, 0));
        assertEquals(0, driver.usedLength(1, 0));
        assertTrue(irq.high());
        assertEquals(1, driver.read(0x060));
        driver.write(0x064, 1);
        assertFalse(irq.high());
        assertEquals(0, driver.read(0x060));
    }

    @Test
    void hostBytesFillTheGuestsReceiveChain() throws IOException {
        driver.initialise(1L << 32);
        int second = driver.descriptor(0, 0x50100, 8, WRITE, 0);
        int head = driver.descriptor(0, 0x50000, 4, WRITE | NEXT, second);
        driver.offer(0, head);
        console.output().write("abcdefghij".getBytes(StandardCharsets.US_ASCII));
        assertEquals(1, driver.usedIndex(0));
        assertEquals(head, driver.usedId(0, 0));
        assertEquals(10, driver.usedLength(0, 0));
        assertArrayEquals("abcd".getBytes(), memory.read(0x50000, 4));
        assertArrayEquals("efghij".getBytes(), memory.read(0x50100, 6));
        assertTrue(irq.high());
    }

    @Test
    void hostWritesWaitForReceiveBuffers() throws Exception {
        driver.initialise(1L << 32);
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
            try {
                console.output().write("0123456789".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertThrows(TimeoutException.class, () -> write.get(200, TimeUnit.MILLISECONDS), "no buffer posted: the writer waits");
        driver.offer(0, driver.descriptor(0, 0x50000, 6, WRITE, 0));
        assertThrows(TimeoutException.class, () -> write.get(200, TimeUnit.MILLISECONDS), "6 of 10 bytes placed");
        driver.offer(0, driver.descriptor(0, 0x51000, 16, WRITE, 0));
        write.get(5, TimeUnit.SECONDS);
        assertArrayEquals("012345".getBytes(), memory.read(0x50000, 6));
        assertArrayEquals("6789".getBytes(), memory.read(0x51000, 4));
        assertEquals(4, driver.usedLength(0, 1));
    }

    @Test
    void suppressedInterruptsAreNotRaised() throws IOException {
        driver.initialise(1L << 32);
        driver.suppressInterrupts(1);
        memory.write(0x40000, "x".getBytes());
        driver.offer(1, driver.descriptor(1, 0x40000, 1, 0, 0));
        assertEquals('x', console.input().read());
        assertFalse(irq.high());
    }

    @Test
    void aDescriptorOutsideGuestMemoryPutsTheDeviceInItsErrorState() throws IOException {
        driver.initialise(1L << 32);
        driver.offer(1, driver.descriptor(1, 0x7FFF_F000L, 64, 0, 0));
        assertEquals(0x40, driver.read(0x070) & 0x40, "DEVICE_NEEDS_RESET");
        assertEquals(2, driver.read(0x060) & 2, "configuration change interrupt");
        assertTrue(irq.high());
        assertTrue(transport.failure().contains("descriptor 0 points at [0x7ffff000, +64), which is not guest memory"),
                transport.failure());
        assertEquals(0, console.input().available());

        // The driver resets and starts again; the host's stream is still there.
        driver.initialise(1L << 32);
        assertEquals(0, driver.read(0x070) & 0x40);
        assertFalse(irq.high());
    }

    @Test
    void aLoopingChainOrABadIndexIsAnErrorNotAHang() {
        driver.initialise(1L << 32);
        int a = driver.descriptor(1, 0x40000, 1, NEXT, 1);
        driver.descriptor(1, 0x40001, 1, NEXT, a);
        driver.offer(1, a);
        assertTrue(transport.failure().contains("loops"), transport.failure());

        driver.initialise(1L << 32);
        driver.offer(1, driver.descriptor(1, 0x40000, 1, NEXT, 99));
        assertTrue(transport.failure().contains("descriptor index 99 is outside the table of 8"), transport.failure());
    }

    @Test
    void queueRingsOutsideMemoryFailActivation() {
        driver.write(0x070, 0);
        driver.write(0x070, 3);
        driver.write(0x024, 1);
        driver.write(0x020, 1);
        driver.write(0x070, 11);
        for (int q = 0; q < 2; q++) {
            driver.write(0x030, q);
            driver.write(0x038, 8);
            driver.write(0x080, 0);
            driver.write(0x084, 1); // 4 GiB: not guest memory
            driver.write(0x044, 1);
        }
        driver.write(0x070, 15);
        assertEquals(0x40, driver.read(0x070) & 0x40);
        assertTrue(transport.failure().contains("descriptor table at 0x100000000"), transport.failure());
    }

    @Test
    void disconnectEndsTheHostStream() throws IOException {
        driver.initialise(1L << 32);
        memory.write(0x40000, "bye".getBytes());
        driver.offer(1, driver.descriptor(1, 0x40000, 3, 0, 0));
        console.disconnect("instance 'x': the machine has ended");
        assertArrayEquals("bye".getBytes(), console.input().readAllBytes(), "buffered bytes first, then end of stream");
        IOException e = assertThrows(IOException.class, () -> console.output().write(1));
        assertEquals("test console: instance 'x': the machine has ended", e.getMessage());
    }
}
