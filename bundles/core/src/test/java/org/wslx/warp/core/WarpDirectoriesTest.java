package org.wslx.warp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.wslx.warp.paths.WarpPaths;

class WarpDirectoriesTest {
    @Test
    void theCoresPlacesLieInsideTheServiceDirectories() {
        WarpDirectories d = new WarpDirectories(new WarpPaths(Path.of("/srv/warp"), Path.of("/run/warp")));
        assertEquals(Path.of("/srv/warp/instances.json"), d.registryFile());
        assertEquals(Path.of("/srv/warp/instances"), d.instancesHome());
        assertEquals(Path.of("/run/warp/instances/deb"), d.bootDirectory("deb"));
    }

    @Test
    void hostnamesAreCleanedFromInstanceNames() {
        assertEquals("debian-12", InstanceBooter.hostnameFor("Debian_12"));
        assertEquals("warp", InstanceBooter.hostnameFor("..."));
    }
}
