package org.wslx.warp.backend.kvm.device.virtio;

import java.util.List;

/**
 * The buffers the driver made available under one head index, in chain order: device-readable
 * ones first, then device-writable ones.
 *
 * @param head        the head descriptor's index, returned in the used ring
 * @param descriptors the buffers
 */
public record DescriptorChain(int head, List<Descriptor> descriptors) {
    public DescriptorChain {
        descriptors = List.copyOf(descriptors);
    }

    /** Total bytes of the device-readable buffers. */
    public long readableBytes() {
        return descriptors.stream().filter(d -> !d.writable()).mapToLong(Descriptor::length).sum();
    }

    /** Total bytes of the device-writable buffers. */
    public long writableBytes() {
        return descriptors.stream().filter(Descriptor::writable).mapToLong(Descriptor::length).sum();
    }
}
