package org.wslx.warp.surface;

import java.util.Map;

import org.wslx.warp.control.GuestSession;

/**
 * What a surface gets to work with when attached.
 *
 * @param instanceName the instance
 * @param session      the instance's control-plane session, on which surfaces open their streams
 * @param settings     surface settings from the instance's configuration
 */
public record SurfaceContext(String instanceName, GuestSession session, Map<String, String> settings) {
    public SurfaceContext {
        settings = Map.copyOf(settings);
    }
}
