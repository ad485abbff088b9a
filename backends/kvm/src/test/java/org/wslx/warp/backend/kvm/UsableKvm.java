package org.wslx.warp.backend.kvm;

import org.junit.jupiter.api.Assumptions;
import org.wslx.warp.vmm.kvm.KvmHostProbe;
import org.wslx.warp.vmm.kvm.KvmHostStatus;

/** Tests that boot real guests skip, printing why, where this host has no usable /dev/kvm. */
final class UsableKvm {
    private UsableKvm() {
    }

    static KvmHostStatus assume() {
        KvmHostStatus host = KvmHostProbe.probe();
        if (!host.usable()) {
            System.out.println("skipped: " + host.summary());
        }
        Assumptions.assumeTrue(host.usable(), host.summary());
        return host;
    }
}
