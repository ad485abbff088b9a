package org.wslx.warp.sandbox;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How a pool grows.
 *
 * @param warm    sandboxes created up front and kept idle
 * @param max     most sandboxes alive at once; calls beyond that wait for one to come back
 * @param sandbox the configuration of each sandbox
 */
@ProviderType
public record PoolConfig(int warm, int max, SandboxConfig sandbox) {
    public PoolConfig {
        if (warm < 0 || max < 1 || warm > max) {
            throw new IllegalArgumentException("sandbox pool: need 0 <= warm <= max and max >= 1, not warm " + warm
                    + ", max " + max);
        }
        if (sandbox == null) {
            throw new IllegalArgumentException("sandbox pool: a sandbox configuration is required");
        }
    }

    /** One warm sandbox, growing to the number of processors. */
    public static PoolConfig defaults() {
        return new PoolConfig(1, Math.max(2, Runtime.getRuntime().availableProcessors()), SandboxConfig.defaults());
    }
}
