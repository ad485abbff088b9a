package org.wslx.warp.personality;

/**
 * What a personality is, for the shell and for policy.
 *
 * @param name        the name images refer to, e.g. {@code linux}
 * @param track       {@code A} for the Linux ABI, {@code B} for a new ABI
 * @param version     the personality's own version
 * @param kernel      a description of the kernel it boots, e.g. {@code Debian linux-image-6.1.0-56-cloud-amd64}
 * @param description one sentence
 */
public record PersonalityDescriptor(String name, String track, String version, String kernel, String description) {
}
