package org.wslx.warp.personality;

import java.nio.file.Path;

import org.wslx.warp.image.ImageManifest;

/**
 * One boot of one instance, as the core asks a personality to prepare it.
 *
 * @param instanceName     the instance
 * @param manifest         the instance's image manifest
 * @param rootDisk         the root disk, attached as the first disk
 * @param runtimeDirectory private scratch directory for this boot (removed after it)
 * @param bootSecret       the per-boot secret the agent must present in HELLO
 */
public record BootRequest(String instanceName, ImageManifest manifest, Path rootDisk, Path runtimeDirectory,
        byte[] bootSecret) {
    public BootRequest {
        bootSecret = bootSecret.clone();
    }

    @Override
    public byte[] bootSecret() {
        return bootSecret.clone();
    }
}
