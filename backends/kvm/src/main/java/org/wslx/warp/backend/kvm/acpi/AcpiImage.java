package org.wslx.warp.backend.kvm.acpi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ACPI tables laid out for one guest-physical address: copy {@link #bytes()} to {@link #base()}.
 *
 * @param base   where the image goes; the RSDP is its first byte
 * @param bytes  the image
 * @param tables each table's signature and guest-physical address, in the order they lie
 */
public record AcpiImage(long base, byte[] bytes, Map<String, Long> tables) {
    public AcpiImage {
        tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    /** The RSDP's address, what a loader hands the kernel. */
    public long rsdp() {
        return base;
    }
}
