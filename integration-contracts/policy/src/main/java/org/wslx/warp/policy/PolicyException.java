package org.wslx.warp.policy;

/** A policy document is invalid or could not be stored; the message says which part and why. */
public class PolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    public PolicyException(String message) {
        super(message);
    }

    public PolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
