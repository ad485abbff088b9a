package org.wslx.warp.core;

import java.nio.file.Path;

import org.wslx.warp.paths.WarpPaths;

/**
 * The core's places inside the service's directories ({@link WarpPaths}): the registry and the
 * default install location under the data directory, one boot directory per instance under the
 * runtime directory.
 */
record WarpDirectories(Path data, Path runtime) {
    WarpDirectories(WarpPaths paths) {
        this(paths.data(), paths.runtime());
    }

    Path instancesHome() {
        return data.resolve("instances");
    }

    Path registryFile() {
        return data.resolve("instances.json");
    }

    Path bootDirectory(String instance) {
        return runtime.resolve("instances").resolve(instance);
    }
}
