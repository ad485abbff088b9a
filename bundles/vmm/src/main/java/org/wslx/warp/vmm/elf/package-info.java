/**
 * Reading and validating ELF64 x86-64 executables for loading into guest memory: load segments,
 * entry point and symbol table. Knows nothing about what the image is for (kernel, sandbox guest).
 */
@Export
@Version("1.1.0")
package org.wslx.warp.vmm.elf;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
