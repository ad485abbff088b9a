package org.wslx.warp.control;

import java.util.Set;

/**
 * What the guest said about itself in HELLO.
 *
 * @param agent        the agent's self-description, e.g. {@code warp-agent/0.1 linux}
 * @param version      the negotiated protocol version
 * @param capabilities the capabilities both sides support
 */
public record GuestInfo(String agent, ProtocolVersion version, Set<Capability> capabilities) {
    public GuestInfo {
        capabilities = Set.copyOf(capabilities);
    }
}
