package org.wslx.warp.paths;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The data and runtime directories, following the XDG base-directory convention unless a property
 * names them (which is how the launcher and tests point a service at a private tree).
 *
 * @param data    instances, the registry and policy.json: {@code warp.data.dir}, else
 *                {@code $XDG_DATA_HOME/wslx-warp}, else {@code $HOME/.local/share/wslx-warp}
 * @param runtime the service socket, its log and per-boot files: {@code warp.runtime.dir}, else
 *                {@code ${XDG_RUNTIME_DIR:-/tmp}/wslx-warp-$USER}
 */
public record WarpPaths(Path data, Path runtime) {
    public static final String DATA_PROPERTY = "warp.data.dir";
    public static final String RUNTIME_PROPERTY = "warp.runtime.dir";

    /**
     * @param property    looks up a property (a framework property in the service, a system property
     *                    in the client), returning null when unset
     * @param environment looks up an environment variable, returning null when unset
     */
    public static WarpPaths resolve(UnaryOperator<String> property, UnaryOperator<String> environment) {
        Path data = isSet(property.apply(DATA_PROPERTY)) ? Path.of(property.apply(DATA_PROPERTY))
                : isSet(environment.apply("XDG_DATA_HOME")) ? Path.of(environment.apply("XDG_DATA_HOME"), "wslx-warp")
                : Path.of(home(environment), ".local", "share", "wslx-warp");
        Path runtime = isSet(property.apply(RUNTIME_PROPERTY)) ? Path.of(property.apply(RUNTIME_PROPERTY))
                : Path.of(isSet(environment.apply("XDG_RUNTIME_DIR")) ? environment.apply("XDG_RUNTIME_DIR") : "/tmp",
                        "wslx-warp-" + System.getProperty("user.name"));
        return new WarpPaths(data, runtime);
    }

    /** The Unix socket the service listens on and the client connects to. */
    public Path serviceSocket() {
        return runtime.resolve("service.sock");
    }

    private static String home(UnaryOperator<String> environment) {
        return isSet(environment.apply("HOME")) ? environment.apply("HOME") : System.getProperty("user.home");
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
