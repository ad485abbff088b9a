package org.wslx.warp.control;

import java.util.List;
import java.util.Map;

/**
 * What the host tells the agent right after the handshake (the CONFIG frame).
 *
 * @param hostname    the guest's host name
 * @param environment variables every process gets unless its EXEC overrides them
 * @param mounts      mounts to perform before the agent reports ready
 */
public record GuestConfig(String hostname, Map<String, String> environment, List<MountSpec> mounts) {
    public GuestConfig {
        environment = Map.copyOf(environment);
        mounts = List.copyOf(mounts);
    }
}
