package org.wslx.warp.surface;

/** A surface could not be attached; the message names the surface, the instance and the cause. */
public class SurfaceException extends Exception {
    private static final long serialVersionUID = 1L;

    public SurfaceException(String message) {
        super(message);
    }

    public SurfaceException(String message, Throwable cause) {
        super(message, cause);
    }
}
