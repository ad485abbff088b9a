package org.wslx.warp.instance;

import java.nio.file.Path;
import java.time.Instant;

import org.wslx.warp.image.ImageManifest;

/**
 * A snapshot of one instance, as the CLI and the shell show it.
 *
 * @param name             the instance name
 * @param state            its lifecycle state
 * @param reason           why it is in that state (the failure for FAILED), or empty
 * @param isDefault        whether commands without {@code -d} go to it
 * @param settings         backend, CPUs, memory, idle timeout
 * @param accelerator      the accelerator of the running machine, or empty
 * @param installDirectory where its root disk lives
 * @param rootDisk         the root disk
 * @param manifest         the image manifest
 * @param registeredAt     when it was imported
 * @param lastUsed         when a process last ran in it
 * @param activeProcesses  processes running now
 */
public record InstanceInfo(String name, InstanceState state, String reason, boolean isDefault, InstanceSettings settings,
        String accelerator, Path installDirectory, Path rootDisk, ImageManifest manifest, Instant registeredAt,
        Instant lastUsed, int activeProcesses) {
}
