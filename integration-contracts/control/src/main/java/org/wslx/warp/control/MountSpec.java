package org.wslx.warp.control;

/** One mount the agent performs while applying CONFIG, like a line of fstab. */
public record MountSpec(String source, String target, String fsType, String options) {
}
