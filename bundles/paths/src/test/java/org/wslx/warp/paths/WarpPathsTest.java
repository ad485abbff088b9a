package org.wslx.warp.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class WarpPathsTest {
    @Test
    void propertiesWinOverTheEnvironment() {
        WarpPaths p = WarpPaths.resolve(Map.of("warp.data.dir", "/srv/warp", "warp.runtime.dir", "/run/warp")::get,
                Map.of("XDG_DATA_HOME", "/xdg/data", "XDG_RUNTIME_DIR", "/run/user/7")::get);
        assertEquals(Path.of("/srv/warp"), p.data());
        assertEquals(Path.of("/run/warp/service.sock"), p.serviceSocket());
    }

    @Test
    void xdgDirectoriesAreTheDefault() {
        WarpPaths p = WarpPaths.resolve(k -> null, Map.of("XDG_DATA_HOME", "/xdg/data", "XDG_RUNTIME_DIR", "/run/user/7")::get);
        assertEquals(Path.of("/xdg/data/wslx-warp"), p.data());
        assertEquals(Path.of("/run/user/7/wslx-warp-" + System.getProperty("user.name")), p.runtime());
    }

    @Test
    void withoutXdgTheHomeAndTmpAreUsed() {
        WarpPaths p = WarpPaths.resolve(k -> null, Map.of("HOME", "/home/u")::get);
        assertEquals(Path.of("/home/u/.local/share/wslx-warp"), p.data());
        assertEquals(Path.of("/tmp/wslx-warp-" + System.getProperty("user.name")), p.runtime());
    }

    @Test
    void blankValuesCountAsUnset() {
        WarpPaths p = WarpPaths.resolve(k -> " ", Map.of("HOME", "/h", "XDG_DATA_HOME", "")::get);
        assertEquals(Path.of("/h/.local/share/wslx-warp"), p.data());
    }
}
