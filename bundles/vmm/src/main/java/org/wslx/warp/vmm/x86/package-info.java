/**
 * x86-64 long-mode set-up shared by guests that start in 64-bit mode: page tables, GDT, TSS and the matching
 * vCPU special registers.
 */
@Export
@Version("1.1.0")
package org.wslx.warp.vmm.x86;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
