package org.wslx.warp.vmm.memory;

/** The host could not create, map, snapshot or reset guest memory. */
public final class GuestMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GuestMemoryException(String message) {
        super(message);
    }

    public GuestMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
