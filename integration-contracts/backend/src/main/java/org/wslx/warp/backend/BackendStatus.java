package org.wslx.warp.backend;

/**
 * A backend's report on itself.
 *
 * @param name        the backend name
 * @param available   whether {@link Backend#launch} can succeed here
 * @param version     the hypervisor's version, e.g. {@code QEMU 7.2.19}, or empty
 * @param accelerator the accelerator it will use, e.g. {@code tcg} or {@code kvm}
 * @param detail      why this accelerator, or why unavailable, as a sentence
 */
public record BackendStatus(String name, boolean available, String version, String accelerator, String detail) {
}
