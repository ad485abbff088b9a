package org.wslx.warp.boot;

/** A kernel or boot payload cannot be booted; the message names the file and the cause. */
public class BootException extends Exception {
    private static final long serialVersionUID = 1L;

    public BootException(String message) {
        super(message);
    }

    public BootException(String message, Throwable cause) {
        super(message, cause);
    }
}
