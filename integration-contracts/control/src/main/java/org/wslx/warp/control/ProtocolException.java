package org.wslx.warp.control;

/** The peer sent something the specification does not allow; the session is closed. */
public class ProtocolException extends ControlException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
