package org.wslx.warp.backend.kvm.device.virtio;

/** How a device tells its transport about events; callable from any thread. */
public interface DeviceSignals {
    /** The device put buffers into a used ring and the driver wants to hear of it. */
    void usedBuffers();

    /** The driver broke the rules; the device stops until the driver resets it. */
    void deviceFailed(String reason);
}
