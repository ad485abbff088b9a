/**
 * vCPU threads: a {@link org.wslx.warp.vmm.vcpu.VcpuHandle} per vCPU with a RUNNING / PAUSED / FINISHED state
 * machine, a run loop dispatching exits to the IO buses, and host control (pause, resume, stop) that works
 * even while guest code spins.
 */
@Export
@Version("1.0.0")
package org.wslx.warp.vmm.vcpu;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
