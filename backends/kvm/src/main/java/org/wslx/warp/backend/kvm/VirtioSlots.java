package org.wslx.warp.backend.kvm;

import java.util.ArrayList;
import java.util.List;

import org.wslx.warp.backend.kvm.device.virtio.VirtioMmioTransport;

/**
 * Which virtio-mmio slot holds which device (VIRTIO-MMIO-CHANNEL.md §1): the control console in
 * slot 0, the machine's disks in slots 1 to 7 in the order the spec lists them. Slot n sits at
 * 0xFEB00000 + n × 0x200 on IOAPIC pin 5 + n.
 */
final class VirtioSlots {
    static final int CONSOLE = 0;
    static final int MAX_DISKS = VirtioMmioTransport.SLOTS - 1;

    private VirtioSlots() {
    }

    static int disk(int index) {
        return 1 + index;
    }

    static long address(int slot) {
        return VirtioMmioTransport.WINDOW + slot * VirtioMmioTransport.SLOT_SIZE;
    }

    static int irq(int slot) {
        return VirtioMmioTransport.FIRST_IRQ + slot;
    }

    /** What tells Linux about one slot, since it does not probe virtio-mmio. */
    static String linuxParameter(int slot) {
        return "virtio_mmio.device=" + VirtioMmioTransport.SLOT_SIZE + "@0x" + Long.toHexString(address(slot)) + ":" + irq(slot);
    }

    /** The parameters for the console and {@code disks} disks, space-separated. */
    static String linuxParameters(int disks) {
        List<String> parameters = new ArrayList<>();
        parameters.add(linuxParameter(CONSOLE));
        for (int i = 0; i < disks; i++) {
            parameters.add(linuxParameter(disk(i)));
        }
        return String.join(" ", parameters);
    }
}
