package org.wslx.warp.core;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.wslx.warp.instance.InstanceState;

/**
 * One instance's lifecycle state and the reason for it. Only the moves in {@link #LEGAL} are
 * allowed; anything else is a bug in the caller and is refused with a message naming the instance
 * and both states.
 */
final class InstanceLifecycle {
    private static final Map<InstanceState, Set<InstanceState>> LEGAL = Map.of(
            InstanceState.REGISTERED, EnumSet.of(InstanceState.STARTING),
            InstanceState.STOPPED, EnumSet.of(InstanceState.STARTING),
            InstanceState.FAILED, EnumSet.of(InstanceState.STARTING, InstanceState.STOPPED),
            InstanceState.STARTING, EnumSet.of(InstanceState.RUNNING, InstanceState.STOPPING, InstanceState.FAILED),
            InstanceState.RUNNING, EnumSet.of(InstanceState.STOPPING, InstanceState.FAILED),
            InstanceState.STOPPING, EnumSet.of(InstanceState.STOPPED, InstanceState.FAILED));

    private final String instance;
    private InstanceState state;
    private String reason;

    InstanceLifecycle(String instance, InstanceState initial) {
        this.instance = instance;
        this.state = initial;
        this.reason = "";
    }

    synchronized InstanceState state() {
        return state;
    }

    synchronized String reason() {
        return reason;
    }

    static boolean isLegal(InstanceState from, InstanceState to) {
        return LEGAL.getOrDefault(from, Set.of()).contains(to);
    }

    /** Moves to {@code next}; throws if the move is not legal from the current state. */
    synchronized void moveTo(InstanceState next, String why) {
        if (!isLegal(state, next)) {
            throw new IllegalStateException("instance '" + instance + "': cannot go from " + state + " to " + next);
        }
        state = next;
        reason = why == null ? "" : why;
    }

    /** Moves to {@code next} only if the current state is {@code expected}; says whether it did. */
    synchronized boolean moveIf(InstanceState expected, InstanceState next, String why) {
        if (state != expected) {
            return false;
        }
        moveTo(next, why);
        return true;
    }
}
