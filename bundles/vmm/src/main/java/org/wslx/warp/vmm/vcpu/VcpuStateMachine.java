package org.wslx.warp.vmm.vcpu;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The legal moves between {@link VcpuState}s: RUNNING ⇄ PAUSED, either → FINISHED, nothing out of FINISHED and
 * no move to the same state. Not thread-safe; {@link VcpuHandle} guards it with its lock.
 */
@ProviderType
public final class VcpuStateMachine {
    private final String name;
    private VcpuState state;

    public VcpuStateMachine(String name, VcpuState initial) {
        if (initial == VcpuState.FINISHED) {
            throw new IllegalArgumentException(name + ": cannot start FINISHED");
        }
        this.name = name;
        this.state = initial;
    }

    public VcpuState state() {
        return state;
    }

    public static boolean allowed(VcpuState from, VcpuState to) {
        return switch (from) {
            case RUNNING -> to == VcpuState.PAUSED || to == VcpuState.FINISHED;
            case PAUSED -> to == VcpuState.RUNNING || to == VcpuState.FINISHED;
            case FINISHED -> false;
        };
    }

    /** Moves to {@code to}, or throws naming the vCPU and both states. */
    public void moveTo(VcpuState to) {
        if (!allowed(state, to)) {
            throw new IllegalStateException(name + ": cannot go from " + state + " to " + to);
        }
        state = to;
    }
}
