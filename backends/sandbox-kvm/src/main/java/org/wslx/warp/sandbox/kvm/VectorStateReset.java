package org.wslx.warp.sandbox.kvm;

import org.wslx.warp.vmm.kvm.FpuState;
import org.wslx.warp.vmm.kvm.KvmVcpu;
import org.wslx.warp.vmm.kvm.XsaveState;

/**
 * Puts a sandbox vCPU's FPU and vector registers back in their power-on state after each call, so one call's data
 * in XMM/YMM/ZMM, mask registers, MXCSR or the x87 stack never reaches the next. The clean state is read once,
 * from the first vCPU before it ever runs, and shared: every vCPU of the service has the same XSAVE layout.
 * Through XSAVE this covers every component the host lets guests use (on kvm_pvm, CPL 3 code runs with the
 * host's XCR0, so AVX-512 state is reachable even though the sandbox never enables XSAVE); hosts without
 * KVM_CAP_XSAVE get the legacy FPU call, which resets x87 and XMM but not MXCSR.
 */
final class VectorStateReset {
    private volatile XsaveState clean;

    /** Reads the clean state from a vCPU that has not run yet, unless one was read already. */
    void captureFrom(KvmVcpu fresh) {
        if (clean == null && fresh.supportsXsave()) {
            synchronized (this) {
                if (clean == null) {
                    clean = fresh.getXsave().withLegacyComponentsPresent();
                }
            }
        }
    }

    void reset(KvmVcpu vcpu) {
        XsaveState state = clean;
        if (state != null) {
            vcpu.setXsave(state);
        } else {
            vcpu.setFpu(FpuState.initial());
        }
    }
}
