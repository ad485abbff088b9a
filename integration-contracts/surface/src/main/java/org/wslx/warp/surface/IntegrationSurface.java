package org.wslx.warp.surface;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An optional integration (fs-share, net, GPU relay, Portal). Registered as a service with
 * {@link #SERVICE_NAME_PROPERTY}; the core attaches it to running instances only while policy
 * allows the surface, and detaches it when policy withdraws it or the bundle goes away.
 */
@ConsumerType
public interface IntegrationSurface {
    /** Service property carrying {@link #name()}. */
    String SERVICE_NAME_PROPERTY = "warp.surface.name";

    /** The surface's policy name, e.g. {@code fs-share}. */
    String name();

    /** Attaches the surface to one running instance. */
    SurfaceAttachment attach(SurfaceContext context) throws SurfaceException;
}
