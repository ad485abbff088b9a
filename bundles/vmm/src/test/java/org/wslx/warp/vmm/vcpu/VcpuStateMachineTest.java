package org.wslx.warp.vmm.vcpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VcpuStateMachineTest {
    @Test
    void legalMoves() {
        VcpuStateMachine m = new VcpuStateMachine("vCPU 0", VcpuState.RUNNING);
        m.moveTo(VcpuState.PAUSED);
        m.moveTo(VcpuState.RUNNING);
        m.moveTo(VcpuState.PAUSED);
        m.moveTo(VcpuState.FINISHED);
        assertEquals(VcpuState.FINISHED, m.state());
        VcpuStateMachine n = new VcpuStateMachine("vCPU 1", VcpuState.RUNNING);
        n.moveTo(VcpuState.FINISHED);
    }

    @Test
    void illegalMovesThrowNamingTheVcpuAndStates() {
        VcpuStateMachine m = new VcpuStateMachine("vCPU 3", VcpuState.RUNNING);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.moveTo(VcpuState.RUNNING));
        assertTrue(e.getMessage().equals("vCPU 3: cannot go from RUNNING to RUNNING"), e.getMessage());
        m.moveTo(VcpuState.PAUSED);
        assertThrows(IllegalStateException.class, () -> m.moveTo(VcpuState.PAUSED));
        m.moveTo(VcpuState.FINISHED);
        for (VcpuState s : VcpuState.values()) {
            assertThrows(IllegalStateException.class, () -> m.moveTo(s));
        }
        assertThrows(IllegalArgumentException.class, () -> new VcpuStateMachine("vCPU 4", VcpuState.FINISHED));
    }
}
