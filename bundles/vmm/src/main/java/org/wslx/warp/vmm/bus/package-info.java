/**
 * IO buses: port IO and MMIO address spaces that dispatch guest accesses to device models, and the interrupt
 * line interface devices raise.
 */
@Export
@Version("1.0.0")
package org.wslx.warp.vmm.bus;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
