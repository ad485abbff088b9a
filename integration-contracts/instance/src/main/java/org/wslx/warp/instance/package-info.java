/**
 * The instance manager: the service API the CLI endpoint and the shell use to register, boot, run commands in and stop instances.
 */
@Export
@Version("1.0.0")
package org.wslx.warp.instance;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
