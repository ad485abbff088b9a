package org.wslx.warp.image;

/** An image could not be imported, exported or removed; the message names the image and the cause. */
public class ImageException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
