package org.wslx.warp.sandbox.kvm.layout;

/** How a guest page may be used, as page-table bits. */
public enum PagePermissions {
    SUPERVISOR_READ_WRITE(false, true, false),
    SUPERVISOR_EXECUTE(false, false, true),
    USER_READ(true, false, false),
    USER_READ_WRITE(true, true, false),
    USER_READ_EXECUTE(true, false, true),
    USER_READ_WRITE_EXECUTE(true, true, true);

    private final boolean user;
    private final boolean writable;
    private final boolean executable;

    PagePermissions(boolean user, boolean writable, boolean executable) {
        this.user = user;
        this.writable = writable;
        this.executable = executable;
    }

    public boolean user() {
        return user;
    }

    public boolean writable() {
        return writable;
    }

    public boolean executable() {
        return executable;
    }

    /** The permissions an ELF segment's {@code PF_*} flags ask for, at CPL 3. */
    public static PagePermissions forSegment(boolean writable, boolean executable) {
        if (executable) {
            return writable ? USER_READ_WRITE_EXECUTE : USER_READ_EXECUTE;
        }
        return writable ? USER_READ_WRITE : USER_READ;
    }
}
