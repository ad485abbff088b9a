package org.wslx.warp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.wslx.warp.instance.InstanceState;

class InstanceLifecycleTest {
    @Test
    void followsTheNormalPathWithReasons() {
        InstanceLifecycle lifecycle = new InstanceLifecycle("x", InstanceState.REGISTERED);
        lifecycle.moveTo(InstanceState.STARTING, "booting");
        lifecycle.moveTo(InstanceState.RUNNING, "");
        lifecycle.moveTo(InstanceState.STOPPING, "terminated");
        lifecycle.moveTo(InstanceState.STOPPED, "terminated");
        assertEquals(InstanceState.STOPPED, lifecycle.state());
        assertEquals("terminated", lifecycle.reason());
        lifecycle.moveTo(InstanceState.STARTING, "booting");
        lifecycle.moveTo(InstanceState.FAILED, "the machine ended unexpectedly");
        assertEquals("the machine ended unexpectedly", lifecycle.reason());
        lifecycle.moveTo(InstanceState.STARTING, "retry");
    }

    @Test
    void refusesIllegalMovesWithAMessageNamingTheInstance() {
        InstanceLifecycle lifecycle = new InstanceLifecycle("debian", InstanceState.STOPPED);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> lifecycle.moveTo(InstanceState.RUNNING, ""));
        assertEquals("instance 'debian': cannot go from STOPPED to RUNNING", e.getMessage());
        assertEquals(InstanceState.STOPPED, lifecycle.state());
    }

    @Test
    void everyStateHasAWayOutAndOnlyLiveStatesAreLive() {
        for (InstanceState from : InstanceState.values()) {
            boolean hasExit = false;
            for (InstanceState to : InstanceState.values()) {
                hasExit |= InstanceLifecycle.isLegal(from, to);
            }
            assertTrue(hasExit, from + " must not be a dead end");
        }
        assertFalse(InstanceLifecycle.isLegal(InstanceState.RUNNING, InstanceState.STARTING));
        assertTrue(InstanceState.RUNNING.isLive());
        assertFalse(InstanceState.FAILED.isLive());
    }

    @Test
    void moveIfOnlyMovesFromTheExpectedState() {
        InstanceLifecycle lifecycle = new InstanceLifecycle("x", InstanceState.FAILED);
        assertFalse(lifecycle.moveIf(InstanceState.RUNNING, InstanceState.STOPPING, "stop"));
        assertTrue(lifecycle.moveIf(InstanceState.FAILED, InstanceState.STOPPED, "acknowledged"));
        assertEquals(InstanceState.STOPPED, lifecycle.state());
    }
}
