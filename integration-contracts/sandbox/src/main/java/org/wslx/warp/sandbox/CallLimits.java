package org.wslx.warp.sandbox;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Per-call limits, enforced by the host.
 *
 * @param timeout        wall-clock time the guest may run; the host stops the vCPU after it
 * @param maxOutputBytes output the call may return (also bounded by the sandbox's output window)
 */
@ProviderType
public record CallLimits(Duration timeout, int maxOutputBytes) {
    public CallLimits {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("call time limit must be positive, not " + timeout);
        }
        if (maxOutputBytes < 0) {
            throw new IllegalArgumentException("call output limit must not be negative, not " + maxOutputBytes);
        }
    }

    /** One second, and as much output as the sandbox's window holds. */
    public static CallLimits defaults() {
        return new CallLimits(Duration.ofSeconds(1), Integer.MAX_VALUE);
    }

    public static CallLimits of(Duration timeout) {
        return new CallLimits(timeout, Integer.MAX_VALUE);
    }
}
