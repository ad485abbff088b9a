package org.wslx.warp.personality.trackb;

import java.util.List;

/**
 * What an image needs from the kernel (the manifest's {@code kernel} object).
 *
 * @param abi            the ABI major version its programs are built for
 * @param minimumVersion the oldest kernel that can run it
 * @param features       ABI features its programs use
 */
record KernelRequirement(int abi, KernelVersion minimumVersion, List<String> features) {
    KernelRequirement {
        features = List.copyOf(features);
    }
}
