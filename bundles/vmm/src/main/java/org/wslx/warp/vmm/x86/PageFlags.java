package org.wslx.warp.vmm.x86;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Access rights of a mapped range. Upper-level table entries are always present, writable and user so that
 * the leaf entry alone decides.
 *
 * @param writable   writes allowed (otherwise read-only, also for CPL 0 since CR0.WP is set)
 * @param user       CPL 3 may access it
 * @param noExecute  instruction fetches fault (needs EFER.NXE, which {@link LongModeSregs} sets)
 */
@ProviderType
public record PageFlags(boolean writable, boolean user, boolean noExecute) {
    public static final PageFlags KERNEL_CODE = new PageFlags(false, false, false);
    public static final PageFlags KERNEL_DATA = new PageFlags(true, false, true);
    public static final PageFlags KERNEL_RWX = new PageFlags(true, false, false);
    public static final PageFlags USER_CODE = new PageFlags(false, true, false);
    public static final PageFlags USER_DATA = new PageFlags(true, true, true);
    public static final PageFlags USER_RWX = new PageFlags(true, true, false);
    public static final PageFlags USER_READ_ONLY = new PageFlags(false, true, true);

    static final long PRESENT = 1L;
    static final long WRITABLE = 1L << 1;
    static final long USER = 1L << 2;
    static final long PAGE_SIZE_BIT = 1L << 7;
    static final long NO_EXECUTE = 1L << 63;

    /** The leaf-entry bits for these rights. */
    long bits() {
        return PRESENT | (writable ? WRITABLE : 0) | (user ? USER : 0) | (noExecute ? NO_EXECUTE : 0);
    }
}
