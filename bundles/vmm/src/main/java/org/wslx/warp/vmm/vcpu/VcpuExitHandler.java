package org.wslx.warp.vmm.vcpu;

import org.osgi.annotation.versioning.ConsumerType;
import org.wslx.warp.vmm.kvm.KvmVcpu;
import org.wslx.warp.vmm.kvm.VcpuExit;

/**
 * Sees every exit before the default handling, on the vCPU thread. A sandbox uses it to treat {@code hlt} or a
 * port write as "call done" and pause instead of finishing. Answer port-in and MMIO-read exits it handles with
 * {@link KvmVcpu#completePortIn(byte[])} / {@link KvmVcpu#completeMmioRead(byte[])}.
 */
@ConsumerType
@FunctionalInterface
public interface VcpuExitHandler {
    VcpuExitHandler DEFAULT = (exit, vcpu) -> ExitAction.DEFAULT;

    ExitAction onExit(VcpuExit exit, KvmVcpu vcpu);
}
