package org.wslx.warp.surface;

import org.osgi.annotation.versioning.ConsumerType;

/** A surface attached to one instance; closing it detaches the surface from that instance. */
@ConsumerType
public interface SurfaceAttachment extends AutoCloseable {
    /** What the attachment does, for the shell, e.g. {@code /mnt/host -> /home/me (9p)}. */
    String describe();

    @Override
    void close();
}
