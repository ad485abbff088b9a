package org.wslx.warp.backend.qemu;

import java.io.IOException;

/** QEMU answered a QMP command with an error, or the QMP connection failed. */
final class QmpException extends IOException {
    private static final long serialVersionUID = 1L;

    QmpException(String message) {
        super(message);
    }

    QmpException(String message, Throwable cause) {
        super(message, cause);
    }
}
