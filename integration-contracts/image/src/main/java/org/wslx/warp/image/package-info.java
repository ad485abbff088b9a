/**
 * Images: a root filesystem (or object store) plus a manifest, and the store that imports and exports them.
 */
@Export
@Version("1.0.0")
package org.wslx.warp.image;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
