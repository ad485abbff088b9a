package org.wslx.warp.vmm.memory;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Guest physical memory: one or more {@link GuestRegion}s backed by one file (a memfd, or a file in a
 * directory) so it can be shared with other processes and snapshotted.
 *
 * <p>Every access is checked against the regions; an access not entirely inside one region throws
 * {@link GuestAddressException} naming the address, the length and the regions, and touches nothing. Multi-byte
 * values are little-endian (the guest's byte order). Accesses from several threads are allowed; they are not
 * atomic with respect to each other or the guest.
 *
 * <p><b>Snapshots.</b> {@link #snapshot()} makes the current contents the snapshot: from then on the memory is
 * mapped copy-on-write over its file, so writes (the guest's and the host's) go to private pages, and
 * {@link #resetToSnapshot()} drops them in one call, after which guest and host see the snapshot again. The
 * host address range never changes, so a KVM memory slot registered once stays valid. Call both only while
 * no vCPU runs in this memory.
 *
 * <p>Create one with {@link #builder()}.
 */
@ProviderType
public interface GuestMemory extends AutoCloseable {

    static GuestMemoryBuilder builder() {
        return new GuestMemoryBuilder();
    }

    /** The regions, sorted by base address, never overlapping. */
    List<GuestRegion> regions();

    /** Whether {@code [address, address + length)} lies entirely inside one region. */
    boolean contains(long address, long length);

    /** The file backing the memory when it was created in a directory. */
    Optional<Path> backingFile();

    void read(long address, byte[] destination, int offset, int length);

    default void read(long address, byte[] destination) {
        read(address, destination, 0, destination.length);
    }

    default byte[] read(long address, int length) {
        byte[] bytes = new byte[length];
        read(address, bytes, 0, length);
        return bytes;
    }

    /** Copies {@code destination.remaining()} bytes into the buffer, advancing its position. */
    void read(long address, ByteBuffer destination);

    void write(long address, byte[] source, int offset, int length);

    default void write(long address, byte[] source) {
        write(address, source, 0, source.length);
    }

    /** Copies {@code source.remaining()} bytes from the buffer, advancing its position. */
    void write(long address, ByteBuffer source);

    /** Sets {@code length} bytes to {@code value}. */
    void fill(long address, long length, byte value);

    int readU8(long address);

    int readU16(long address);

    /** The unsigned 32-bit value at {@code address}, in a long. */
    long readU32(long address);

    long readU64(long address);

    void writeU8(long address, int value);

    void writeU16(long address, int value);

    void writeU32(long address, long value);

    void writeU64(long address, long value);

    /**
     * Makes the current contents the snapshot that {@link #resetToSnapshot()} returns to, and maps the memory
     * copy-on-write over it. Costs a remap the first time, then a copy of the private pages into the file.
     */
    void snapshot();

    /** Whether {@link #snapshot()} has been called. */
    boolean hasSnapshot();

    /**
     * Drops every page written since the last {@link #snapshot()}, so the memory reads as the snapshot again.
     * Cost grows with the number of written pages, not the memory size.
     *
     * @throws IllegalStateException when there is no snapshot
     */
    void resetToSnapshot();

    /** Host memory used now; counts private (dirtied) pages when the host reports them. */
    MemoryUsage usage();

    /** Unmaps the memory and closes its file (deleting it when the memory created it). */
    @Override
    void close();
}
