package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The C library functions the monitor needs, bound by JNA direct mapping (the fastest JNA call
 * path; {@code ioctl(KVM_RUN)} is on the hot path of every guest exit).
 *
 * <p>Every method that reports failure through {@code errno} declares {@link LastErrorException}: JNA
 * clears errno before the call and throws with the errno value when the call set one, so callers never
 * read a stale errno from an unrelated call. Only the wrappers in this package call these methods, and
 * each call site carries a {@code // NATIVE:} comment justifying sizes, ownership and lifetime.
 */
public final class LibC {
    static {
        Native.register(LibC.class, NativeLibrary.getInstance("c"));
    }

    public static final int O_RDWR = 0x2;
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_CREAT = 0x40;
    public static final int O_EXCL = 0x80;

    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_NORESERVE = 0x4000;
    public static final long MAP_FAILED = -1L;

    public static final int MADV_DONTNEED = 4;

    public static final int MFD_CLOEXEC = 0x1;

    public static final int SIG_BLOCK = 0;
    public static final int SIG_UNBLOCK = 1;

    public static final int EINTR = 4;
    public static final int EAGAIN = 11;

    private LibC() {
    }

    public static native int open(String path, int flags) throws LastErrorException;

    public static native int open(String path, int flags, int mode) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    public static native int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    public static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    public static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset)
            throws LastErrorException;

    public static native int munmap(Pointer addr, long length) throws LastErrorException;

    public static native int madvise(Pointer addr, long length, int advice) throws LastErrorException;

    public static native int mincore(Pointer addr, long length, Pointer vec) throws LastErrorException;

    public static native int memfd_create(String name, int flags) throws LastErrorException;

    public static native int ftruncate(int fd, long length) throws LastErrorException;

    public static native long pread(int fd, Pointer buf, long count, long offset) throws LastErrorException;

    public static native long pwrite(int fd, Pointer buf, long count, long offset) throws LastErrorException;

    public static native int sigaction(int signal, Pointer action, Pointer oldAction) throws LastErrorException;

    /** Returns an error number instead of setting errno. */
    public static native int pthread_kill(long thread, int signal);

    public static native long pthread_self();

    /** Returns an error number instead of setting errno. */
    public static native int pthread_sigmask(int how, Pointer set, Pointer oldSet);

    public static native int __libc_current_sigrtmin();

    public static native int __libc_current_sigrtmax();

    public static native int getpagesize();

    public static native String strerror(int errnum);
}
