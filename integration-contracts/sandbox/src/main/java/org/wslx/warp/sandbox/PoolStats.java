package org.wslx.warp.sandbox;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A pool's counters.
 *
 * @param image     the pool's image
 * @param idle      sandboxes waiting for a call
 * @param busy      sandboxes in a call
 * @param created   sandboxes created since the pool opened
 * @param discarded sandboxes closed after a fault or time-out
 * @param calls     calls completed successfully
 * @param failures  calls that ended in a {@link SandboxException}
 */
@ProviderType
public record PoolStats(String image, int idle, int busy, long created, long discarded, long calls, long failures) {
}
