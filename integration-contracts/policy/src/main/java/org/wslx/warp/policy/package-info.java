/**
 * Policy: which backends, personalities, surfaces and contract versions are allowed; everything else is off.
 */
@Export
@Version("1.0.0")
package org.wslx.warp.policy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
