/**
 * Function sandboxes: create a micro-VM from a small ELF64 guest image, call a function in it with input
 * bytes and get output bytes back, within per-call time and memory limits.
 */
@Export
@Version("1.0.0")
package org.wslx.warp.sandbox;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
