package org.wslx.warp.instance;

/**
 * An instance's lifecycle. Legal moves: REGISTERED/STOPPED/FAILED → STARTING → RUNNING → STOPPING →
 * STOPPED; STARTING or RUNNING → FAILED when the machine or the agent dies unexpectedly.
 */
public enum InstanceState {
    REGISTERED, STARTING, RUNNING, STOPPING, STOPPED, FAILED;

    /** Whether a machine may exist in this state. */
    public boolean isLive() {
        return this == STARTING || this == RUNNING || this == STOPPING;
    }
}
