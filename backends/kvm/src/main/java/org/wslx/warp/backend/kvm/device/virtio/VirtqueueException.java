package org.wslx.warp.backend.kvm.device.virtio;

/** The driver put something into a virtqueue that breaks the rules; the device stops using the queue. */
public final class VirtqueueException extends Exception {
    private static final long serialVersionUID = 1L;

    public VirtqueueException(String message) {
        super(message);
    }
}
