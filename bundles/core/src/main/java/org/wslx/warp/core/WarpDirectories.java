package org.wslx.warp.core;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where the service keeps its state. The data directory holds the instance registry and the
 * default install location; the runtime directory holds per-boot sockets and scratch files.
 * Both follow the XDG base-directory convention and can be overridden with framework properties,
 * which is how tests and the launcher point a service at a private tree.
 */
record WarpDirectories(Path data, Path runtime) {
    static final String DATA_PROPERTY = "warp.data.dir";
    static final String RUNTIME_PROPERTY = "warp.runtime.dir";

    /** Resolves both directories from framework properties, then the environment. */
    static WarpDirectories resolve(Function<String, String> frameworkProperty, Function<String, String> environment) {
        String home = System.getProperty("user.home");
        String user = System.getProperty("user.name");
        Path data = pick(frameworkProperty.apply(DATA_PROPERTY),
                xdg(environment.apply("XDG_DATA_HOME"), Path.of(home, ".local", "share")).resolve("wslx-warp"));
        Path runtime = pick(frameworkProperty.apply(RUNTIME_PROPERTY),
                xdg(environment.apply("XDG_RUNTIME_DIR"), Path.of("/tmp")).resolve("wslx-warp-" + user));
        return new WarpDirectories(data, runtime);
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

    private static Path pick(String explicit, Path fallback) {
        return explicit == null || explicit.isBlank() ? fallback : Path.of(explicit);
    }

    private static Path xdg(String value, Path fallback) {
        return value == null || value.isBlank() ? fallback : Path.of(value);
    }
}
