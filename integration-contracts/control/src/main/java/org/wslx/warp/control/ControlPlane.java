package org.wslx.warp.control;

import org.osgi.annotation.versioning.ProviderType;

/** The host side of the control plane, registered as a service by its implementation bundle. */
@ProviderType
public interface ControlPlane {
    /** The protocol version this implementation speaks. */
    ProtocolVersion version();

    /**
     * Waits for the guest's HELLO on {@code stream}, checks its protocol version and boot secret,
     * answers WELCOME, sends CONFIG and waits for READY.
     *
     * @throws ControlException if the handshake fails or times out; the stream is closed
     */
    GuestSession open(ByteStream stream, SessionParameters parameters) throws ControlException;
}
