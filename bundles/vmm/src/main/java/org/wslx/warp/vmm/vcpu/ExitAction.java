package org.wslx.warp.vmm.vcpu;

/** What a {@link VcpuExitHandler} wants the run loop to do with an exit. */
public enum ExitAction {
    /** Not handled here: dispatch to the buses, or finish for exits the buses do not take. */
    DEFAULT,
    /** Handled (including any {@code complete*} call); run the guest again. */
    CONTINUE,
    /** Handled; park the vCPU (state PAUSED) until the host resumes it. */
    PAUSE,
    /** Handled; finish the vCPU with {@link FinishReason#EXIT_HANDLER}. */
    FINISH
}
