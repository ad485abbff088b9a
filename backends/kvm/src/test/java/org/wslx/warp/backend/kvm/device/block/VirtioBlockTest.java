package org.wslx.warp.backend.kvm.device.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.backend.kvm.device.RecordingLine;
import org.wslx.warp.backend.kvm.device.virtio.TestDriver;
import org.wslx.warp.backend.kvm.device.virtio.VirtioMmioTransport;
import org.wslx.warp.vmm.memory.GuestMemory;

/** The block device against in-memory guest memory and a real disk image in a temp file. */
class VirtioBlockTest {
    private static final int NEXT = 1;
    private static final int WRITE = 2;
    private static final long HEADER = 0x20000;
    private static final long DATA = 0x21000;
    private static final long STATUS = 0x30000;
    private static final int SECTORS = 64;

    private final GuestMemory memory = GuestMemory.builder().region(0, 1 << 20).name("virtio-block-test").build();
    private final RecordingLine irq = new RecordingLine();
    private FileBlockStore store;
    private TestDriver driver;
    private Path image;
    private byte[] original;

    @TempDir
    Path dir;

    @AfterEach
    void close() throws IOException {
        memory.close();
        if (store != null) {
            store.close();
        }
    }

    private void attach(boolean readOnly) throws IOException {
        original = new byte[SECTORS * 512];
        for (int i = 0; i < original.length; i++) {
            original[i] = (byte) (i * 7 + i / 512);
        }
        image = Files.write(dir.resolve("disk.img"), original);
        store = FileBlockStore.open(image, readOnly);
        VirtioBlock block = new VirtioBlock("disk 0 of instance 'test'", store, "warp-disk0");
        driver = new TestDriver(new VirtioMmioTransport("virtio-mmio slot 1", memory, irq, block), memory);
        driver.initialise(1L << 32 | VirtioBlock.F_SEG_MAX | VirtioBlock.F_FLUSH | (readOnly ? VirtioBlock.F_RO : 0));
        assertEquals(1 | 2 | 4 | 8, driver.read(0x070), "the driver is live");
    }

    /** Offers header, data buffers of {@code dataLengths} (device-writable when {@code in}) and a status byte. */
    private int request(int type, long sector, boolean in, int... dataLengths) {
        memory.writeU32(HEADER, type);
        memory.writeU32(HEADER + 4, 0);
        memory.writeU64(HEADER + 8, sector);
        memory.writeU16(STATUS, 0xEE);
        int status = driver.descriptor(0, STATUS, 1, WRITE, 0);
        int next = status;
        long at = DATA;
        for (int i = 0; i < dataLengths.length; i++) {
            at += dataLengths[i];
        }
        for (int i = dataLengths.length - 1; i >= 0; i--) {
            at -= dataLengths[i];
            next = driver.descriptor(0, at, dataLengths[i], (in ? WRITE : 0) | NEXT, next);
        }
        int head = driver.descriptor(0, HEADER, 16, NEXT, next);
        int before = driver.usedIndex(0);
        driver.offer(0, head);
        assertEquals(before + 1, driver.usedIndex(0), "the request was answered at once");
        assertEquals(head, driver.usedId(0, before % TestDriver.QUEUE_SIZE));
        return memory.readU16(STATUS) & 0xFF;
    }

    private long lastUsedLength() {
        return driver.usedLength(0, (driver.usedIndex(0) - 1) % TestDriver.QUEUE_SIZE);
    }

    private byte[] guest(long address, int length) {
        byte[] b = new byte[length];
        memory.read(address, b, 0, length);
        return b;
    }

    @Test
    void identifiesItselfAndReportsCapacityAndFeatures() throws IOException {
        attach(false);
        assertEquals(2, driver.read(0x008), "device ID 2: block");
        driver.write(0x014, 0);
        assertEquals((int) (VirtioBlock.F_SEG_MAX | VirtioBlock.F_FLUSH), driver.read(0x010));
        assertEquals(SECTORS, driver.read(0x100), "capacity low word");
        assertEquals(0, driver.read(0x104), "capacity high word");
        assertEquals(VirtioBlock.SEGMENTS_MAX, driver.read(0x10C), "seg_max");
    }

    @Test
    void readsSectorsIntoSplitBuffers() throws IOException {
        attach(false);
        assertEquals(0, request(VirtioBlock.T_IN, 3, true, 512, 1024));
        assertArrayEquals(Arrays.copyOfRange(original, 3 * 512, 6 * 512), guest(DATA, 1536));
        assertEquals(1537, lastUsedLength(), "data and status");
        assertTrue(irq.high(), "the driver is interrupted");
    }

    @Test
    void writesSectorsAndFlushes() throws IOException {
        attach(false);
        byte[] data = new byte[1024];
        Arrays.fill(data, (byte) 0x5A);
        memory.write(DATA, data);
        assertEquals(0, request(VirtioBlock.T_OUT, 10, false, 1024));
        assertEquals(1, lastUsedLength());
        assertEquals(0, request(VirtioBlock.T_FLUSH, 0, false));
        byte[] after = Files.readAllBytes(image);
        assertArrayEquals(data, Arrays.copyOfRange(after, 10 * 512, 12 * 512));
        assertArrayEquals(Arrays.copyOf(original, 10 * 512), Arrays.copyOf(after, 10 * 512), "nothing else changed");
        assertArrayEquals(Arrays.copyOfRange(original, 12 * 512, original.length), Arrays.copyOfRange(after, 12 * 512, after.length));
    }

    @Test
    void reportsItsIdentifier() throws IOException {
        attach(false);
        assertEquals(0, request(VirtioBlock.T_GET_ID, 0, true, 20));
        assertEquals("warp-disk0", new String(guest(DATA, 20), StandardCharsets.US_ASCII).replace("\0", ""));
    }

    @Test
    void refusesRequestsOutsideTheDisk() throws IOException {
        attach(false);
        memory.fill(DATA, 1024, (byte) 0x11);
        assertEquals(1, request(VirtioBlock.T_IN, SECTORS, true, 512), "the sector after the last");
        assertEquals(1, request(VirtioBlock.T_IN, SECTORS - 1, true, 1024), "a read running past the end");
        assertEquals(1, request(VirtioBlock.T_OUT, SECTORS - 1, false, 1024), "a write running past the end");
        assertEquals(1, request(VirtioBlock.T_OUT, Long.MAX_VALUE / 256, false, 512), "a sector whose offset overflows");
        assertEquals(1, request(VirtioBlock.T_IN, 0, true, 100), "not whole sectors");
        assertEquals(1, lastUsedLength(), "only the status was written");
        assertArrayEquals(original, Files.readAllBytes(image), "the disk is unchanged");
        assertEquals(0x11, memory.readU16(DATA) & 0xFF, "a refused read leaves the buffer alone");
    }

    @Test
    void aReadOnlyDiskRefusesWritesButReads() throws IOException {
        attach(true);
        driver.write(0x014, 0);
        assertTrue((driver.read(0x010) & VirtioBlock.F_RO) != 0, "VIRTIO_BLK_F_RO offered");
        memory.fill(DATA, 512, (byte) 0x77);
        assertEquals(1, request(VirtioBlock.T_OUT, 0, false, 512));
        assertArrayEquals(original, Files.readAllBytes(image));
        assertEquals(0, request(VirtioBlock.T_IN, 0, true, 512));
        assertArrayEquals(Arrays.copyOf(original, 512), guest(DATA, 512));
        assertEquals(0, request(VirtioBlock.T_FLUSH, 0, false));
    }

    @Test
    void answersUnknownRequestTypesUnsupported() throws IOException {
        attach(false);
        assertEquals(2, request(11, 0, false), "DISCARD is not offered");
    }

    @Test
    void aRequestWithoutStatusByteIsADriverError() throws IOException {
        attach(false);
        int head = driver.descriptor(0, HEADER, 16, 0, 0);
        driver.offer(0, head);
        assertEquals(0x40, driver.read(0x070) & 0x40, "DEVICE_NEEDS_RESET");
        assertArrayEquals(original, Files.readAllBytes(image));
    }
}
