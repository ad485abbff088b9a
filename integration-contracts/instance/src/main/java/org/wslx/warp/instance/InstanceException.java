package org.wslx.warp.instance;

/** An instance operation failed; the message names the instance, the phase and the cause. */
public class InstanceException extends Exception {
    private static final long serialVersionUID = 1L;

    public InstanceException(String message) {
        super(message);
    }

    public InstanceException(String message, Throwable cause) {
        super(message, cause);
    }
}
