package org.wslx.warp.control;

/**
 * How a guest process ended.
 *
 * @param kind    whether it exited, was killed by a signal, or never started
 * @param value   the exit code, the signal number, or (for {@link Kind#NOT_STARTED}) the code the
 *                agent reports, 127 when the program was not found
 * @param message a human-readable explanation, empty when there is nothing to add
 */
public record ExitStatus(Kind kind, int value, String message) {
    public enum Kind {
        EXITED, SIGNALED, NOT_STARTED, LOST
    }

    public ExitStatus {
        message = message == null ? "" : message;
    }

    /** The code a shell would report: the exit code, or 128 + signal number. */
    public int shellCode() {
        return switch (kind) {
            case EXITED, NOT_STARTED -> value;
            case SIGNALED -> 128 + value;
            case LOST -> 255;
        };
    }
}
