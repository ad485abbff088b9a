package org.wslx.warp.backend.kvm.device.virtio;

import java.util.List;

/**
 * A virtio device type behind a {@link VirtioMmioTransport}: the transport handles registers,
 * feature negotiation, status and interrupts; the device handles its queues and configuration.
 */
public interface VirtioDevice {
    /** The virtio device ID (3 = console, 2 = block). */
    int deviceId();

    /** Feature bits offered; VIRTIO_F_VERSION_1 (bit 32) is always among them. */
    long features();

    int queueCount();

    /** Largest queue size the device accepts (a power of two). */
    int queueSizeMax();

    /** Reads the device-specific configuration space at {@code offset}; {@code data} is pre-filled with zeros. */
    void readConfig(int offset, byte[] data);

    /** The driver set DRIVER_OK: the queues are set up and may be used until {@link #reset}. */
    void activate(List<Virtqueue> queues, DeviceSignals signals);

    /** The driver wrote {@code queue} to QueueNotify: it added buffers there. */
    void queueNotified(int queue);

    /** The driver wrote 0 to Status: drop every queue and buffer in flight. */
    void reset();
}
