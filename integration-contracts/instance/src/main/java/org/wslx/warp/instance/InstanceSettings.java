package org.wslx.warp.instance;

/**
 * Per-instance settings.
 *
 * @param backend            the backend that runs it, e.g. {@code qemu}
 * @param cpus               virtual CPUs
 * @param memoryMiB          guest memory in MiB
 * @param idleTimeoutSeconds stop the instance after this long with no process running; 0 = never
 */
public record InstanceSettings(String backend, int cpus, int memoryMiB, int idleTimeoutSeconds) {
    public static final InstanceSettings DEFAULTS = new InstanceSettings("qemu", 1, 512, 60);
}
