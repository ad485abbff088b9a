/**
 * Images: a root filesystem (or object store) plus a manifest, the store that imports and exports root filesystems, and the formats other bundles add.
 */
@Export
@Version("1.1.0")
package org.wslx.warp.image;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
