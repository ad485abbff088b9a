package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.LastErrorException;
import java.nio.file.Path;

/**
 * A file descriptor for a file backing guest memory: an anonymous memory file ({@code memfd_create}) or a new
 * file in a directory. Closing it is idempotent.
 */
public final class HostFile implements AutoCloseable {
    private final String description;
    private int fd;

    private HostFile(int fd, String description) {
        this.fd = fd;
        this.description = description;
    }

    /** A new anonymous memory file of {@code size} bytes, reading as zeros. */
    public static HostFile memfd(String name, long size) {
        int fd;
        try {
            // NATIVE: name is copied by JNA into a temporary NUL-terminated string for the call; the new
            // descriptor is owned by the returned HostFile and closed by close().
            fd = LibC.memfd_create(name, LibC.MFD_CLOEXEC);
        } catch (LastErrorException e) {
            throw new NativeException("memfd_create('" + name + "')", e);
        }
        return sized(new HostFile(fd, "memfd '" + name + "'"), size);
    }

    /** A new file (which must not exist yet) of {@code size} bytes, readable and writable by its owner only. */
    public static HostFile create(Path path, long size) {
        int fd;
        try {
            // NATIVE: the path string is copied for the call; O_EXCL makes sure we own a fresh file; the descriptor
            // is owned by the returned HostFile.
            fd = LibC.open(path.toString(), LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC, 0600);
        } catch (LastErrorException e) {
            throw new NativeException("open('" + path + "')", e);
        }
        return sized(new HostFile(fd, "file '" + path + "'"), size);
    }

    private static HostFile sized(HostFile file, long size) {
        try {
            // NATIVE: fd is the descriptor just created and owned by file; size is a plain integer.
            LibC.ftruncate(file.fd, size);
        } catch (LastErrorException e) {
            file.close();
            throw new NativeException("ftruncate(" + file.description + ", " + size + ")", e);
        }
        return file;
    }

    public int fd() {
        if (fd < 0) {
            throw new IllegalStateException(description + " is closed");
        }
        return fd;
    }

    /** Writes {@code length} bytes from {@code mapping} at {@code mappingOffset} to the file at {@code fileOffset}. */
    public void writeFrom(HostMapping mapping, long mappingOffset, long length, long fileOffset) {
        mapping.checkRange(mappingOffset, length);
        long done = 0;
        while (done < length) {
            long n;
            try {
                // NATIVE: the source range lies inside the live mapping (checked above) and stays mapped for the
                // call, which only reads it; the descriptor is ours.
                n = LibC.pwrite(fd(), mapping.pointer(mappingOffset + done), length - done, fileOffset + done);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) {
                    continue;
                }
                throw new NativeException("pwrite(" + description + ")", e);
            }
            done += n;
        }
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            int closing = fd;
            fd = -1;
            try {
                // NATIVE: we own the descriptor and nobody uses it after this point (fd is cleared first).
                LibC.close(closing);
            } catch (LastErrorException e) {
                // close(2) releases the descriptor even when it reports an error; nothing to retry.
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
