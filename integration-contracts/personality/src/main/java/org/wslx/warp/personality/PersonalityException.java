package org.wslx.warp.personality;

/** A personality cannot prepare a boot; the message names the instance and the cause. */
public class PersonalityException extends Exception {
    private static final long serialVersionUID = 1L;

    public PersonalityException(String message) {
        super(message);
    }

    public PersonalityException(String message, Throwable cause) {
        super(message, cause);
    }
}
