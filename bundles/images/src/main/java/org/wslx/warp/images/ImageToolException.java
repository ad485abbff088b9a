package org.wslx.warp.images;

import org.wslx.warp.image.ImageException;

/** A host program the store runs is missing, failed, or ran past its deadline. */
final class ImageToolException extends ImageException {
    private static final long serialVersionUID = 1L;

    ImageToolException(String message) {
        super(message);
    }

    ImageToolException(String message, Throwable cause) {
        super(message, cause);
    }
}
