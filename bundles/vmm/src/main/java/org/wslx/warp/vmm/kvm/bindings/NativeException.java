package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.LastErrorException;

/** A failed C library or kernel call, naming the call and the error number with its symbolic name. */
public final class NativeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public NativeException(String call, LastErrorException cause) {
        this(call, cause.getErrorCode());
    }

    public NativeException(String call, int errno) {
        super(call + " failed: " + Errno.describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
