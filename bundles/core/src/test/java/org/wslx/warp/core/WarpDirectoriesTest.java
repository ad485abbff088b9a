package org.wslx.warp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class WarpDirectoriesTest {
    @Test
    void frameworkPropertiesWinOverTheEnvironment() {
        WarpDirectories d = WarpDirectories.resolve(
                Map.of("warp.data.dir", "/srv/warp", "warp.runtime.dir", "/run/warp")::get,
                Map.of("XDG_DATA_HOME", "/xdg/data")::get);
        assertEquals(Path.of("/srv/warp"), d.data());
        assertEquals(Path.of("/run/warp/instances/deb"), d.bootDirectory("deb"));
    }

    @Test
    void xdgDirectoriesAreTheDefault() {
        WarpDirectories d = WarpDirectories.resolve(k -> null,
                Map.of("XDG_DATA_HOME", "/xdg/data", "XDG_RUNTIME_DIR", "/run/user/7")::get);
        assertEquals(Path.of("/xdg/data/wslx-warp"), d.data());
        assertEquals(Path.of("/xdg/data/wslx-warp/instances.json"), d.registryFile());
        assertEquals(Path.of("/run/user/7/wslx-warp-" + System.getProperty("user.name")), d.runtime());
    }

    @Test
    void hostnamesAreCleanedFromInstanceNames() {
        assertEquals("debian-12", InstanceBooter.hostnameFor("Debian_12"));
        assertEquals("warp", InstanceBooter.hostnameFor("..."));
    }
}
