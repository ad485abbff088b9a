package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A range of a file descriptor mapped into this process: guest memory over its backing file, or a vCPU's
 * {@code kvm_run} page. Accessors take an offset into the mapping and check it against the mapping's size, so
 * even a wrong caller cannot reach outside it; callers above this package do their own checks in their own
 * terms (guest addresses) first. Unmapping is idempotent; the owner makes sure no access runs concurrently
 * with {@link #close()}.
 */
public final class HostMapping implements AutoCloseable {
    private static final long PAGEMAP_PRESENT = 1L << 63;
    private static final long PAGEMAP_FILE_OR_SHARED = 1L << 61;

    private final String description;
    private final int fd;
    private final long fileOffset;
    private final long size;
    private final Pointer base;
    private volatile boolean privateCopy;
    private volatile boolean closed;

    private HostMapping(String description, int fd, long fileOffset, long size, Pointer base, boolean privateCopy) {
        this.description = description;
        this.fd = fd;
        this.fileOffset = fileOffset;
        this.size = size;
        this.base = base;
        this.privateCopy = privateCopy;
    }

    /** Maps {@code size} bytes of {@code fd} from {@code fileOffset}, shared with the file, readable and writable. */
    public static HostMapping mapShared(String description, int fd, long fileOffset, long size) {
        Pointer p;
        try {
            // NATIVE: the kernel chooses the address (NULL hint); the mapping holds its own reference to the file,
            // so it outlives a later close of fd; we own it until close() unmaps exactly [p, p + size).
            p = LibC.mmap(Pointer.NULL, size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, fileOffset);
        } catch (LastErrorException e) {
            throw new NativeException("mmap(" + description + ", " + size + " bytes)", e);
        }
        if (Pointer.nativeValue(p) == LibC.MAP_FAILED) {
            throw new NativeException("mmap(" + description + ", " + size + " bytes)", Errno.EINVAL);
        }
        return new HostMapping(description, fd, fileOffset, size, p, false);
    }

    /** The host virtual address of the first byte, for the KVM memory-slot call only. */
    public long address() {
        checkOpen();
        return Pointer.nativeValue(base);
    }

    public long size() {
        return size;
    }

    public boolean isPrivateCopy() {
        return privateCopy;
    }

    /**
     * Replaces the mapping, at the same address, by a copy-on-write mapping of the same file range. Pages read
     * from the file until written; written pages become private to this process.
     */
    public void remapPrivate() {
        checkOpen();
        Pointer p;
        try {
            // NATIVE: MAP_FIXED over exactly our own live range [base, base + size) atomically replaces our own
            // mapping and nothing else; the file range is the one the shared mapping had, so the size is right.
            p = LibC.mmap(base, size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_FIXED, fd, fileOffset);
        } catch (LastErrorException e) {
            throw new NativeException("mmap(MAP_PRIVATE|MAP_FIXED, " + description + ")", e);
        }
        if (Pointer.nativeValue(p) != Pointer.nativeValue(base)) {
            throw new NativeException("mmap(MAP_PRIVATE|MAP_FIXED, " + description + ") moved the mapping", Errno.EFAULT);
        }
        privateCopy = true;
    }

    /** Drops every private (copied-on-write) page, so the range reads from the file again. */
    public void dropPrivatePages() {
        checkOpen();
        try {
            // NATIVE: the whole range is our own live mapping; MADV_DONTNEED on a private file mapping discards
            // private copies and the next access maps the file's page cache again.
            LibC.madvise(base, size, LibC.MADV_DONTNEED);
        } catch (LastErrorException e) {
            throw new NativeException("madvise(MADV_DONTNEED, " + description + ")", e);
        }
    }

    /** Pages of the range resident in host RAM (mapped, or in the page cache of the file). */
    public long residentPages(int pageSize) {
        checkOpen();
        long pages = (size + pageSize - 1) / pageSize;
        try (Memory vec = new Memory(pages)) {
            // NATIVE: vec holds one byte per page of the range, as mincore requires; base is page aligned (mmap
            // returned it) and the range is our own live mapping.
            LibC.mincore(base, size, vec);
            long resident = 0;
            for (long i = 0; i < pages; i++) {
                resident += vec.getByte(i) & 1;
            }
            return resident;
        } catch (LastErrorException e) {
            throw new NativeException("mincore(" + description + ")", e);
        }
    }

    /** Pages of the range that are private copies (present, neither file nor shared memory), or -1 if unknown. */
    public long privatePages(int pageSize) {
        checkOpen();
        long pages = (size + pageSize - 1) / pageSize;
        long first = Pointer.nativeValue(base) / pageSize;
        long count = 0;
        try (RandomAccessFile pagemap = new RandomAccessFile("/proc/self/pagemap", "r")) {
            byte[] chunk = new byte[8 * 4096];
            ByteBuffer entries = ByteBuffer.wrap(chunk).order(ByteOrder.nativeOrder());
            for (long done = 0; done < pages; ) {
                int n = (int) Math.min(4096, pages - done);
                pagemap.seek((first + done) * 8);
                pagemap.readFully(chunk, 0, n * 8);
                for (int i = 0; i < n; i++) {
                    long e = entries.getLong(i * 8);
                    if ((e & PAGEMAP_PRESENT) != 0 && (e & PAGEMAP_FILE_OR_SHARED) == 0) {
                        count++;
                    }
                }
                done += n;
            }
            return count;
        } catch (IOException | SecurityException e) {
            return -1;
        }
    }

    public byte getByte(long offset) {
        checkRange(offset, 1);
        return base.getByte(offset);
    }

    public short getShort(long offset) {
        checkRange(offset, 2);
        return base.getShort(offset);
    }

    public int getInt(long offset) {
        checkRange(offset, 4);
        return base.getInt(offset);
    }

    public long getLong(long offset) {
        checkRange(offset, 8);
        return base.getLong(offset);
    }

    public void setByte(long offset, byte value) {
        checkRange(offset, 1);
        base.setByte(offset, value);
    }

    public void setShort(long offset, short value) {
        checkRange(offset, 2);
        base.setShort(offset, value);
    }

    public void setInt(long offset, int value) {
        checkRange(offset, 4);
        base.setInt(offset, value);
    }

    public void setLong(long offset, long value) {
        checkRange(offset, 8);
        base.setLong(offset, value);
    }

    public void read(long offset, byte[] destination, int index, int length) {
        checkRange(offset, length);
        base.read(offset, destination, index, length);
    }

    public void write(long offset, byte[] source, int index, int length) {
        checkRange(offset, length);
        base.write(offset, source, index, length);
    }

    /** Copies {@code destination.remaining()} bytes into the buffer. */
    public void read(long offset, ByteBuffer destination) {
        int length = destination.remaining();
        checkRange(offset, length);
        if (destination.hasArray()) {
            base.read(offset, destination.array(), destination.arrayOffset() + destination.position(), length);
            destination.position(destination.position() + length);
        } else {
            // NATIVE: the view covers a checked range of our live mapping and is dropped when this method returns.
            destination.put(base.getByteBuffer(offset, length));
        }
    }

    /** Copies {@code source.remaining()} bytes from the buffer. */
    public void write(long offset, ByteBuffer source) {
        int length = source.remaining();
        checkRange(offset, length);
        if (source.hasArray()) {
            base.write(offset, source.array(), source.arrayOffset() + source.position(), length);
            source.position(source.position() + length);
        } else {
            // NATIVE: as in read(long, ByteBuffer): a temporary view of a checked range.
            base.getByteBuffer(offset, length).put(source);
        }
    }

    public void fill(long offset, long length, byte value) {
        checkRange(offset, length);
        base.setMemory(offset, length, value);
    }

    Pointer pointer(long offset) {
        checkOpen();
        return base.share(offset);
    }

    void checkRange(long offset, long length) {
        checkOpen();
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new IndexOutOfBoundsException(description + ": access at offset " + offset + " of " + length
                    + " bytes is outside the mapping of " + size + " bytes");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(description + " is unmapped");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                // NATIVE: exactly the range mmap gave us; no access runs after closed is set (owner's contract).
                LibC.munmap(base, size);
            } catch (LastErrorException e) {
                throw new NativeException("munmap(" + description + ")", e);
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
