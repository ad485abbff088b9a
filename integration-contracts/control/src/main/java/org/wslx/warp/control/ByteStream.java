package org.wslx.warp.control;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A reliable, ordered, bidirectional byte stream to a guest: a virtio-serial port behind a Unix
 * socket, a vsock connection, a paravirtual ring, a UART. The control plane runs over any of them.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface ByteStream extends Closeable {
    InputStream input();

    OutputStream output();

    /** Where the stream goes, for messages, e.g. {@code virtio-serial via /run/.../control.sock}. */
    String describe();
}
