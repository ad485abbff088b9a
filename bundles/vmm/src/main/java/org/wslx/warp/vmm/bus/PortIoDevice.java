package org.wslx.warp.vmm.bus;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A device model answering guest port IO in the range it was registered for on a {@link PortIoBus}. Devices are
 * pure models: they get guest memory and an {@link InterruptLine} when constructed and do no IO of their own.
 * Called on the vCPU thread that made the access.
 */
@ConsumerType
public interface PortIoDevice {
    /**
     * The guest reads {@code data.length} (1, 2 or 4) bytes from {@code base + offset}; fill {@code data}
     * (little-endian). It is pre-filled with 0xFF, what an unanswered ISA read returns.
     */
    void read(int base, int offset, byte[] data);

    /** The guest wrote {@code data} (1, 2 or 4 bytes, little-endian) to {@code base + offset}. */
    void write(int base, int offset, byte[] data);
}
