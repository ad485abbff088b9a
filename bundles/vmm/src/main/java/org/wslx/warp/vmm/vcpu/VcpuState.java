package org.wslx.warp.vmm.vcpu;

/** Where a vCPU thread is: running guest code (or handling its exits), parked, or done for good. */
public enum VcpuState {
    RUNNING, PAUSED, FINISHED
}
