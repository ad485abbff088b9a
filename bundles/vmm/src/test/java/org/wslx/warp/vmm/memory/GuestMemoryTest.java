package org.wslx.warp.vmm.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bounds checks, byte order and copy-on-write snapshots of real memfd and file-backed guest memory. */
class GuestMemoryTest {
    private static final long LOW = 0;
    private static final long LOW_SIZE = 64 * 1024;
    private static final long HIGH = 0x1_0000_0000L;
    private static final long HIGH_SIZE = 16 * 1024;
    private GuestMemory memory;

    @BeforeEach
    void create() {
        memory = GuestMemory.builder().name("unit").region(HIGH, HIGH_SIZE).region(LOW, LOW_SIZE).build();
    }

    @AfterEach
    void close() {
        memory.close();
    }

    @Test
    void regionsAreSortedAndReadAsZero() {
        assertEquals(2, memory.regions().size());
        assertEquals(LOW, memory.regions().get(0).base());
        assertEquals(HIGH, memory.regions().get(1).base());
        assertEquals(0, memory.readU64(LOW_SIZE - 8));
        assertEquals(0, memory.readU64(HIGH + HIGH_SIZE - 8));
    }

    @Test
    void valuesAreLittleEndian() {
        memory.writeU64(0x100, 0x0102030405060708L);
        assertArrayEquals(new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, memory.read(0x100, 8));
        assertEquals(0x0708, memory.readU16(0x100));
        assertEquals(0x05060708L, memory.readU32(0x100));
        memory.writeU32(0x200, 0xFFFF_FFFEL);
        assertEquals(0xFFFF_FFFEL, memory.readU32(0x200));
        memory.writeU16(0x300, 0xBEEF);
        assertEquals(0xBEEF, memory.readU16(0x300));
        memory.writeU8(0x301, 0x80);
        assertEquals(0x80, memory.readU8(0x301));
        memory.writeU64(HIGH + 8, -2L);
        assertEquals(-2L, memory.readU64(HIGH + 8));
    }

    @Test
    void byteBuffersAreCopies() {
        ByteBuffer heap = ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}).position(1);
        memory.write(0x40, heap);
        assertEquals(5, heap.position());
        ByteBuffer direct = ByteBuffer.allocateDirect(4);
        memory.read(0x40, direct);
        direct.flip();
        assertEquals(2, direct.get());
        assertEquals(5, direct.get(3));
        ByteBuffer src = ByteBuffer.allocateDirect(2).put((byte) 9).put((byte) 8).flip();
        memory.write(HIGH, src);
        assertEquals(0x0809, memory.readU16(HIGH));
    }

    @Test
    void accessesOutsideTheRegionsTouchNothingAndNameAddressLengthAndRegions() {
        GuestAddressException e = assertThrows(GuestAddressException.class, () -> memory.readU32(LOW_SIZE - 2));
        assertTrue(e.getMessage().contains("0xfffe") && e.getMessage().contains("4 bytes")
                && e.getMessage().contains("[0x0, 0x10000)") && e.getMessage().contains("[0x100000000, 0x100004000)"),
                e.getMessage());
        assertEquals(LOW_SIZE - 2, e.address());
        // in the gap between the regions
        assertThrows(GuestAddressException.class, () -> memory.readU8(LOW_SIZE));
        assertThrows(GuestAddressException.class, () -> memory.readU8(HIGH - 1));
        // "negative" = above 2^63 as unsigned, and the very top of the address space
        assertThrows(GuestAddressException.class, () -> memory.readU8(-1L));
        assertThrows(GuestAddressException.class, () -> memory.readU64(Long.MIN_VALUE));
        // lengths that would wrap when added to the address
        assertThrows(GuestAddressException.class, () -> memory.fill(0x10, Long.MAX_VALUE, (byte) 1));
        assertThrows(GuestAddressException.class, () -> memory.fill(HIGH + 1, -1L, (byte) 1));
        assertThrows(GuestAddressException.class, () -> memory.fill(-4096L, 8192, (byte) 1));
        // crossing from one region into the gap, and from the end of the last region
        assertThrows(GuestAddressException.class, () -> memory.write(LOW_SIZE - 4, new byte[8]));
        assertThrows(GuestAddressException.class, () -> memory.read(HIGH + HIGH_SIZE - 1, new byte[2]));
        assertThrows(GuestAddressException.class, () -> memory.read(HIGH, ByteBuffer.allocate((int) HIGH_SIZE + 1)));
        // host array arguments are checked too
        assertThrows(IndexOutOfBoundsException.class, () -> memory.read(0, new byte[4], 2, 4));
        assertEquals(0, memory.readU64(LOW_SIZE - 8), "nothing was written");
        assertTrue(memory.contains(HIGH, HIGH_SIZE));
        assertFalse(memory.contains(HIGH, HIGH_SIZE + 1));
        assertFalse(memory.contains(LOW, -1));
    }

    @Test
    void overlappingOrMisalignedRegionsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> GuestMemory.builder().region(0, 0x2000).region(0x1000, 0x1000));
        assertThrows(IllegalArgumentException.class, () -> new GuestRegion(0x10, 0x1000));
        assertThrows(IllegalArgumentException.class, () -> new GuestRegion(0, 100));
        assertThrows(IllegalArgumentException.class, () -> new GuestRegion(-4096L, 8192));
        assertThrows(IllegalStateException.class, () -> GuestMemory.builder().build());
        GuestRegion top = new GuestRegion(-4096L, 4096);
        assertTrue(top.contains(-1L, 1));
        assertFalse(top.contains(-1L, 2));
    }

    @Test
    void resetDropsWritesSinceTheSnapshot() {
        memory.writeU64(0x1000, 0x1111);
        assertThrows(IllegalStateException.class, memory::resetToSnapshot);
        memory.snapshot();
        assertTrue(memory.hasSnapshot());
        assertEquals(0x1111, memory.readU64(0x1000));
        memory.writeU64(0x1000, 0x2222);
        memory.writeU64(HIGH, 0x3333);
        MemoryUsage dirty = memory.usage();
        assertEquals((LOW_SIZE + HIGH_SIZE) / 4096, dirty.mappedPages());
        assertEquals(2, dirty.privatePages(), dirty.toString());
        memory.resetToSnapshot();
        assertEquals(0x1111, memory.readU64(0x1000));
        assertEquals(0, memory.readU64(HIGH));
        assertEquals(0, memory.usage().privatePages());
        // a second snapshot keeps the new contents
        memory.writeU64(0x1000, 0x4444);
        memory.snapshot();
        memory.writeU64(0x1000, 0x5555);
        memory.resetToSnapshot();
        assertEquals(0x4444, memory.readU64(0x1000));
    }

    @Test
    void fileBackedMemoryLivesInTheDirectoryAndIsDeletedOnClose(@TempDir Path dir) throws Exception {
        Path file;
        try (GuestMemory m = GuestMemory.builder().name("disk").region(0, 8192).inDirectory(dir).build()) {
            file = m.backingFile().orElseThrow();
            assertEquals(dir, file.getParent());
            m.writeU32(4096, 0xA1B2C3D4L);
            byte[] content = Files.readAllBytes(file);
            assertEquals(8192, content.length);
            assertEquals((byte) 0xD4, content[4096], "writes reach the shared file");
        }
        assertFalse(Files.exists(file));
        GuestMemoryException e = assertThrows(GuestMemoryException.class,
                () -> GuestMemory.builder().region(0, 4096).inDirectory(dir.resolve("missing")).build());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void closedMemoryRefusesAccess() {
        GuestMemory m = GuestMemory.builder().region(0, 4096).build();
        m.close();
        assertThrows(IllegalStateException.class, () -> m.readU8(0));
        m.close();
    }
}
