package org.wslx.warp.sandbox;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One micro-VM running one guest image. Calls are serialised; between calls the sandbox's memory and
 * registers are reset to the state right after loading, so no call sees another's data. A call that
 * faults or runs out of time leaves the sandbox unusable ({@link #usable()} is false): close it.
 */
@ProviderType
public interface Sandbox extends AutoCloseable {
    /** The image it runs. */
    SandboxImage image();

    /** The configuration it was created with. */
    SandboxConfig config();

    /**
     * Calls a function of the image with the input bytes.
     *
     * @throws SandboxException with the kind of failure: the function is unknown, the input too large, the
     *                          guest faulted, ran out of time, produced too much output, returned an
     *                          error, or the sandbox is closed or broken
     */
    CallResult call(String function, byte[] input, CallLimits limits) throws SandboxException;

    /** False once a call faulted or timed out, or after {@link #close()}. */
    boolean usable();

    /** Releases the VM, its memory and its vCPU thread. Idempotent. */
    @Override
    void close();
}
