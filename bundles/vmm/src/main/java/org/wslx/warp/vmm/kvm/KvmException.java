package org.wslx.warp.vmm.kvm;

/**
 * A KVM call failed, or KVM is unusable here. The message is a sentence naming the object and the cause;
 * {@link #errno()} is the error number when the kernel reported one (0 otherwise).
 */
public final class KvmException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public KvmException(String message) {
        this(message, 0, null);
    }

    public KvmException(String message, int errno, Throwable cause) {
        super(message, cause);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
