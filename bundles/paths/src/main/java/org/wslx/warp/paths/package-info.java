/**
 * Where WARP keeps its state (the data directory) and its sockets and per-boot files (the runtime
 * directory). Plain Java, so the wslx client can embed it: the client and every service bundle
 * must agree on these paths, so they are resolved in this one place.
 */
@Export
@Version("1.0.0")
package org.wslx.warp.paths;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
