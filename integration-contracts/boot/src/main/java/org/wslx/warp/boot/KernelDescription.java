package org.wslx.warp.boot;

import java.util.Map;

/**
 * What a boot method found in a kernel file.
 *
 * @param bootMethod the boot method that inspected it
 * @param format     the file format, e.g. {@code bzImage} or {@code ELF64}
 * @param version    the kernel's own version string where the format carries one, else empty
 * @param details    further facts (protocol version, entry point, sizes) for display
 */
public record KernelDescription(String bootMethod, String format, String version, Map<String, String> details) {
    public KernelDescription {
        version = version == null ? "" : version;
        details = Map.copyOf(details);
    }
}
