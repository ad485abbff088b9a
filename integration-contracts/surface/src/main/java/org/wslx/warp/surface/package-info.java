/**
 * Integration surfaces (fs-share, net, GPU relay, Portal): optional features attached to a running instance when policy allows.
 */
@Export
@Version("1.0.0")
package org.wslx.warp.surface;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
