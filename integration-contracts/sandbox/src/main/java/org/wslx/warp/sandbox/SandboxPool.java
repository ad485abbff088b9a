package org.wslx.warp.sandbox;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Warm sandboxes of one image. A call borrows an idle sandbox (creating one when none is idle and the
 * pool is below its maximum, else waiting), and gives it back afterwards; a sandbox whose call faulted
 * or timed out is closed instead and replaced on demand.
 */
@ProviderType
public interface SandboxPool extends AutoCloseable {
    SandboxImage image();

    PoolConfig config();

    /** As {@link Sandbox#call}, on a sandbox from the pool. */
    CallResult call(String function, byte[] input, CallLimits limits) throws SandboxException;

    /** Counters and sizes right now. */
    PoolStats stats();

    /** Closes every sandbox of the pool; later calls fail with {@link SandboxException.Kind#CLOSED}. */
    @Override
    void close();
}
