/**
 * The host side of the control plane: a session with a guest agent, the processes it runs and their streams. The wire format is specified in CONTROL-PLANE.md at the root of this bundle's folder.
 */
@Export
@Version("1.1.0")
package org.wslx.warp.control;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
