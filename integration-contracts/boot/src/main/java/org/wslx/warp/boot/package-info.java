/**
 * Boot methods: how a kernel is put into a virtual machine, and the payload a personality prepares for it.
 */
@Export
@Version("1.2.0")
package org.wslx.warp.boot;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
