package org.wslx.warp.sandbox;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The shape of one sandbox's memory. Guest memory is the hard memory limit: the image, its stack and
 * the input and output windows all live in it, and nothing else exists.
 *
 * @param memoryBytes    guest memory, a multiple of 2 MiB between 2 MiB and 64 MiB
 * @param inputCapacity  largest input a call may pass, a multiple of 4 KiB
 * @param outputCapacity largest output a call may return, a multiple of 4 KiB
 * @param stackBytes     the function's stack, a multiple of 4 KiB
 */
@ProviderType
public record SandboxConfig(long memoryBytes, int inputCapacity, int outputCapacity, int stackBytes) {
    private static final long PAGE = 4096;
    private static final long TWO_MIB = 2L << 20;

    public SandboxConfig {
        if (memoryBytes < TWO_MIB || memoryBytes > 32 * TWO_MIB || memoryBytes % TWO_MIB != 0) {
            throw new IllegalArgumentException("sandbox memory must be a multiple of 2 MiB from 2 to 64 MiB, not "
                    + memoryBytes + " bytes");
        }
        requirePages("input capacity", inputCapacity);
        requirePages("output capacity", outputCapacity);
        requirePages("stack", stackBytes);
    }

    /** 4 MiB of memory with 1 MiB input and output windows and a 64 KiB stack. */
    public static SandboxConfig defaults() {
        return new SandboxConfig(4L << 20, 1 << 20, 1 << 20, 64 << 10);
    }

    private static void requirePages(String what, int bytes) {
        if (bytes < PAGE || bytes % PAGE != 0) {
            throw new IllegalArgumentException("sandbox " + what + " must be a positive multiple of 4 KiB, not "
                    + bytes + " bytes");
        }
    }
}
