/**
 * Guest physical memory backed by a file (memfd or a file in a directory), with bounds-checked
 * little-endian access and copy-on-write snapshot and reset.
 */
@Export
@Version("1.0.0")
package org.wslx.warp.vmm.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
