/**
 * Hypervisor backends: launch a virtual machine from a boot payload, hand out its control channel, stop it.
 */
@Export
@Version("1.0.0")
package org.wslx.warp.backend;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
