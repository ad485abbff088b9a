/**
 * Safe wrappers over the KVM API: the device ({@link org.wslx.warp.vmm.kvm.KvmSystem}), a VM
 * ({@link org.wslx.warp.vmm.kvm.KvmVm}), a vCPU ({@link org.wslx.warp.vmm.kvm.KvmVcpu}) with typed exits
 * ({@link org.wslx.warp.vmm.kvm.VcpuExit}), and a probe of what this host's KVM is.
 */
@Export
@Version("1.4.0")
package org.wslx.warp.vmm.kvm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
