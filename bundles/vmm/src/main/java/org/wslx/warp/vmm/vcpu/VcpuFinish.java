package org.wslx.warp.vmm.vcpu;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;
import org.wslx.warp.vmm.kvm.VcpuExit;

/**
 * How a vCPU thread ended.
 *
 * @param reason   the kind of ending
 * @param lastExit the exit that ended it, if an exit did
 * @param error    the failure, for {@link FinishReason#ERROR}
 * @param message  a sentence saying what happened
 */
@ProviderType
public record VcpuFinish(FinishReason reason, Optional<VcpuExit> lastExit, Optional<Throwable> error, String message) {
}
