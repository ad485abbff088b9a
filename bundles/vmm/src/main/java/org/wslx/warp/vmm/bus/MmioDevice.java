package org.wslx.warp.vmm.bus;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A device model answering guest memory-mapped IO in the range it was registered for on an {@link MmioBus}. A pure
 * model like {@link PortIoDevice}. Called on the vCPU thread that made the access.
 */
@ConsumerType
public interface MmioDevice {
    /** The guest reads {@code data.length} (1 to 8) bytes at {@code base + offset}; fill {@code data} (little-endian). */
    void read(long base, long offset, byte[] data);

    /** The guest wrote {@code data} (1 to 8 bytes, little-endian) at {@code base + offset}. */
    void write(long base, long offset, byte[] data);
}
