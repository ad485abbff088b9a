/**
 * The control-plane wire format (CONTROL-PLANE.md): frames, their payload encoding and per-channel
 * window accounting. Plain Java with no framework dependency, so the {@code wslx} client can embed it
 * for its link to the service, which uses the same framing.
 */
@Export
@Version("1.0.0")
package org.wslx.warp.control.wire;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
