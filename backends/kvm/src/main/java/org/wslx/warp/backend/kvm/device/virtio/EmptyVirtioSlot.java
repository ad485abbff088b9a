package org.wslx.warp.backend.kvm.device.virtio;

import java.util.Arrays;

import org.wslx.warp.vmm.bus.MmioDevice;

/**
 * An unused virtio-mmio slot as VIRTIO-MMIO-CHANNEL.md §1 describes it: the magic value and
 * version, then DeviceID 0, which tells a driver scanning the slots that nothing is there.
 * Everything else reads as zero; writes are ignored.
 */
public final class EmptyVirtioSlot implements MmioDevice {
    @Override
    public void read(long base, long offset, byte[] data) {
        Arrays.fill(data, (byte) 0);
        if (data.length != 4 || (offset != VirtioMmioTransport.MAGIC_VALUE && offset != VirtioMmioTransport.VERSION)) {
            return;
        }
        int value = offset == VirtioMmioTransport.MAGIC_VALUE ? VirtioMmioTransport.MAGIC : 2;
        for (int i = 0; i < 4; i++) {
            data[i] = (byte) (value >>> (8 * i));
        }
    }

    @Override
    public void write(long base, long offset, byte[] data) {
        // Nothing to configure in an empty slot.
    }
}
