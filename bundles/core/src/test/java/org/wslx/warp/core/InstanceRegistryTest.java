package org.wslx.warp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.image.ImageManifest;
import org.wslx.warp.instance.InstanceSettings;

class InstanceRegistryTest {
    @TempDir
    Path dir;

    private InstanceRecord record(String name) {
        return InstanceRecord.of(name, dir.resolve(name), dir.resolve(name).resolve("rootfs.ext4"),
                new ImageManifest("linux", "Debian GNU/Linux 12 (bookworm)", "12", "warp", Map.of("source", "tar")),
                InstanceSettings.DEFAULTS);
    }

    @Test
    void survivesARestartWithEveryField() throws IOException {
        Path file = dir.resolve("instances.json");
        InstanceRegistry first = InstanceRegistry.load(file);
        first.add(record("debian"));
        first.add(record("busy"));
        first.setDefault("busy");
        first.update(first.find("debian").orElseThrow().withSettings(new InstanceSettings("qemu", 2, 1024, 0))
                .used(Instant.parse("2026-01-02T03:04:05Z")));

        InstanceRegistry second = InstanceRegistry.load(file);
        assertEquals(first.all(), second.all());
        assertEquals("busy", second.defaultInstance().orElseThrow());
        InstanceRecord debian = second.find("debian").orElseThrow();
        assertEquals(new InstanceSettings("qemu", 2, 1024, 0), debian.settings());
        assertEquals("warp", debian.manifest().defaultUser());
        assertEquals("2026-01-02T03:04:05Z", debian.lastUsed());
        assertTrue(debian.everBooted());
        assertFalse(Files.exists(dir.resolve("instances.json.tmp")), "temporary file must be renamed away");
    }

    @Test
    void firstInstanceBecomesDefaultAndRemovingTheDefaultPicksAnother() throws IOException {
        InstanceRegistry registry = InstanceRegistry.load(dir.resolve("r.json"));
        assertTrue(registry.defaultInstance().isEmpty());
        registry.add(record("a"));
        registry.add(record("b"));
        assertEquals("a", registry.defaultInstance().orElseThrow());
        registry.remove("a");
        assertEquals("b", registry.defaultInstance().orElseThrow());
        registry.remove("b");
        assertTrue(registry.defaultInstance().isEmpty());
        assertTrue(InstanceRegistry.load(dir.resolve("r.json")).all().isEmpty());
    }

    @Test
    void refusesDuplicatesAndUnknownNames() throws IOException {
        InstanceRegistry registry = InstanceRegistry.load(dir.resolve("r.json"));
        registry.add(record("a"));
        IllegalStateException duplicate = assertThrows(IllegalStateException.class, () -> registry.add(record("a")));
        assertEquals("instance 'a' is already registered", duplicate.getMessage());
        assertThrows(IllegalStateException.class, () -> registry.setDefault("nope"));
    }

    @Test
    void corruptFileIsAClearErrorNamingTheFile() throws IOException {
        Path file = dir.resolve("instances.json");
        Files.writeString(file, "{\"formatVersion\": 1, \"instances\": [ {\"name\": ");
        IOException e = assertThrows(IOException.class, () -> InstanceRegistry.load(file));
        assertTrue(e.getMessage().startsWith("instance registry '" + file + "' is not valid JSON"), e.getMessage());
    }

    @Test
    void newerFormatIsRefused() throws IOException {
        Path file = dir.resolve("instances.json");
        Files.writeString(file, "{\"formatVersion\": 99, \"instances\": []}");
        IOException e = assertThrows(IOException.class, () -> InstanceRegistry.load(file));
        assertTrue(e.getMessage().contains("format 99"), e.getMessage());
    }
}
