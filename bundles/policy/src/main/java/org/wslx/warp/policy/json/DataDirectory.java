package org.wslx.warp.policy.json;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where the WARP service keeps its state: the framework property {@code warp.data.dir}, else
 * {@code $XDG_DATA_HOME/wslx-warp}, else {@code $HOME/.local/share/wslx-warp} (the XDG default).
 */
final class DataDirectory {
    static final String PROPERTY = "warp.data.dir";

    private DataDirectory() {
    }

    /**
     * @param frameworkProperty looks up a framework property, returning null when unset
     * @param environment       looks up an environment variable, returning null when unset
     */
    static Path resolve(UnaryOperator<String> frameworkProperty, UnaryOperator<String> environment) {
        String configured = frameworkProperty.apply(PROPERTY);
        if (isSet(configured)) {
            return Path.of(configured);
        }
        String xdgDataHome = environment.apply("XDG_DATA_HOME");
        if (isSet(xdgDataHome)) {
            return Path.of(xdgDataHome, "wslx-warp");
        }
        String home = environment.apply("HOME");
        if (!isSet(home)) {
            home = System.getProperty("user.home");
        }
        return Path.of(home, ".local", "share", "wslx-warp");
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
