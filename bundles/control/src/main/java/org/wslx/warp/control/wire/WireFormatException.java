package org.wslx.warp.control.wire;

import java.io.IOException;

/**
 * A peer sent bytes that break the framing rules: the message names the problem, and the caller
 * adds which session it happened on.
 */
public class WireFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public WireFormatException(String message) {
        super(message);
    }
}
