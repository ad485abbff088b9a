package org.wslx.warp.vmm.kvm.bindings;

/**
 * The Linux ioctl request encoding ({@code include/uapi/asm-generic/ioctl.h}, which x86-64 uses):
 * bits 0-7 number, 8-15 type, 16-29 argument size, 30-31 direction.
 */
public final class Ioctls {
    private static final int NRBITS = 8;
    private static final int TYPEBITS = 8;
    private static final int SIZEBITS = 14;
    private static final int NRSHIFT = 0;
    private static final int TYPESHIFT = NRSHIFT + NRBITS;
    private static final int SIZESHIFT = TYPESHIFT + TYPEBITS;
    private static final int DIRSHIFT = SIZESHIFT + SIZEBITS;

    private static final int NONE = 0;
    private static final int WRITE = 1;
    private static final int READ = 2;

    private Ioctls() {
    }

    static long ioc(int dir, int type, int nr, int size) {
        if (size < 0 || size >= (1 << SIZEBITS)) {
            throw new IllegalArgumentException("ioctl argument size " + size + " does not fit in " + SIZEBITS + " bits");
        }
        return ((long) dir << DIRSHIFT) | ((long) type << TYPESHIFT) | ((long) nr << NRSHIFT) | ((long) size << SIZESHIFT);
    }

    /** {@code _IO(type, nr)}: no argument structure. */
    public static long io(int type, int nr) {
        return ioc(NONE, type, nr, 0);
    }

    /** {@code _IOR(type, nr, size)}: the kernel writes {@code size} bytes to user space. */
    public static long ior(int type, int nr, int size) {
        return ioc(READ, type, nr, size);
    }

    /** {@code _IOW(type, nr, size)}: the kernel reads {@code size} bytes from user space. */
    public static long iow(int type, int nr, int size) {
        return ioc(WRITE, type, nr, size);
    }

    /** {@code _IOWR(type, nr, size)}: both directions. */
    public static long iowr(int type, int nr, int size) {
        return ioc(READ | WRITE, type, nr, size);
    }
}
