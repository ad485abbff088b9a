package org.wslx.warp.distribution;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Track B on WARP's own KVM monitor: the reference kernel entered directly in 64-bit mode. */
class KvmTrackBSystemIT extends TrackBScenarios {
    @Override
    String backend() {
        return "kvm";
    }

    @Override
    void assumeBackendRuns() {
        Path kvm = Path.of("/dev/kvm");
        boolean usable = Files.isReadable(kvm) && Files.isWritable(kvm);
        if (!usable) {
            System.out.println("KvmTrackBSystemIT skipped: /dev/kvm is absent or not usable by this user");
        }
        assumeTrue(usable, "/dev/kvm is absent or not usable by this user");
    }
}
