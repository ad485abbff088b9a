package org.wslx.warp.backend;

/** A backend could not do what was asked; the message names the instance and the cause. */
public class BackendException extends Exception {
    private static final long serialVersionUID = 1L;

    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
