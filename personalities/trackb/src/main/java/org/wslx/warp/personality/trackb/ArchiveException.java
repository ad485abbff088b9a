package org.wslx.warp.personality.trackb;

/** A Track B image or archive is not valid; the message names the file or image and the problem. */
public class ArchiveException extends Exception {
    private static final long serialVersionUID = 1L;

    ArchiveException(String message) {
        super(message);
    }

    ArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
