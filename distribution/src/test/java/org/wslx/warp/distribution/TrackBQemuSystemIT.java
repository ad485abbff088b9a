package org.wslx.warp.distribution;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Track B on the QEMU backend: the reference kernel on microvm, entered through its PVH note (TCG here). */
class TrackBQemuSystemIT extends TrackBScenarios {
    @Override
    String backend() {
        return "qemu";
    }

    @Override
    void assumeBackendRuns() {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            found |= !dir.isEmpty() && Files.isExecutable(Path.of(dir, "qemu-system-x86_64"));
        }
        if (!found) {
            System.out.println("TrackBQemuSystemIT skipped: qemu-system-x86_64 is not on PATH");
        }
        assumeTrue(found, "qemu-system-x86_64 is not on PATH");
    }
}
