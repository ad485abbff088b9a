package org.wslx.warp.vmm.testing;

import org.junit.jupiter.api.Assumptions;
import org.wslx.warp.vmm.kvm.KvmHostProbe;
import org.wslx.warp.vmm.kvm.KvmHostStatus;

/** Skips a test, printing why, when this host has no usable /dev/kvm. */
public final class KvmAssumptions {
    private static KvmHostStatus status;

    private KvmAssumptions() {
    }

    public static synchronized KvmHostStatus assumeKvm() {
        if (status == null) {
            status = KvmHostProbe.probe();
            if (!status.usable()) {
                System.out.println("[skipped] KVM tests: " + status.problem());
            }
        }
        Assumptions.assumeTrue(status.usable(), () -> "no usable KVM: " + status.problem());
        return status;
    }
}
