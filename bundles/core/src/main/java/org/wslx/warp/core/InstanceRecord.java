package org.wslx.warp.core;

import java.nio.file.Path;
import java.time.Instant;

import org.wslx.warp.image.ImageManifest;
import org.wslx.warp.instance.InstanceSettings;

/**
 * What the registry persists about one instance. Runtime state (the machine, the session) is not
 * persisted: after a service restart every instance is stopped.
 *
 * @param everBooted whether the instance has booted at least once (REGISTERED vs STOPPED)
 */
record InstanceRecord(String name, String installDirectory, String rootDisk, ImageManifest manifest,
        InstanceSettings settings, String registeredAt, String lastUsed, boolean everBooted) {

    static InstanceRecord of(String name, Path installDirectory, Path rootDisk, ImageManifest manifest,
            InstanceSettings settings) {
        String now = Instant.now().toString();
        return new InstanceRecord(name, installDirectory.toString(), rootDisk.toString(), manifest, settings, now, now,
                false);
    }

    Path installPath() {
        return Path.of(installDirectory);
    }

    Path rootDiskPath() {
        return Path.of(rootDisk);
    }

    InstanceRecord withSettings(InstanceSettings newSettings) {
        return new InstanceRecord(name, installDirectory, rootDisk, manifest, newSettings, registeredAt, lastUsed, everBooted);
    }

    InstanceRecord used(Instant when) {
        return new InstanceRecord(name, installDirectory, rootDisk, manifest, settings, registeredAt, when.toString(), true);
    }
}
