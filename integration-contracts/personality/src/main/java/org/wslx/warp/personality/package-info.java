/**
 * Personalities: the bundles that know a guest OS and turn an image into a boot payload. Third parties implement {@link org.wslx.warp.personality.Personality} and register it as a service.
 */
@Export
@Version("1.0.0")
package org.wslx.warp.personality;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
