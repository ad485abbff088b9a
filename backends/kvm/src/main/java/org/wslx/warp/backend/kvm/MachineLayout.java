package org.wslx.warp.backend.kvm;

import java.util.ArrayList;
import java.util.List;

import org.wslx.warp.backend.kvm.device.virtio.VirtioMmioTransport;
import org.wslx.warp.boot.GuestLayout;
import org.wslx.warp.boot.MemoryRange;

/**
 * Where a machine's RAM and devices live in guest-physical memory. RAM starts at 0 and stops at
 * the PCI hole at 3 GiB; what does not fit below it continues at 4 GiB. The hole holds the
 * virtio-mmio window, the IOAPIC and the local APIC.
 */
final class MachineLayout {
    static final long HOLE_START = 0xC000_0000L;
    static final long FOUR_GIB = 1L << 32;
    static final long MIB = 1L << 20;
    /** Three pages Intel VMX needs for real-mode emulation; in the hole, below the virtio window. */
    static final long VMX_TSS = 0xFFFB_D000L;

    private MachineLayout() {
    }

    static GuestLayout of(int memoryMiB) {
        long bytes = memoryMiB * MIB;
        List<MemoryRange> ram = new ArrayList<>();
        ram.add(new MemoryRange(0, Math.min(bytes, HOLE_START), "RAM"));
        if (bytes > HOLE_START) {
            ram.add(new MemoryRange(FOUR_GIB, bytes - HOLE_START, "RAM above 4 GiB"));
        }
        return new GuestLayout(ram, List.of(new MemoryRange(VirtioMmioTransport.WINDOW,
                VirtioMmioTransport.SLOTS * VirtioMmioTransport.SLOT_SIZE, "virtio-mmio window")));
    }
}
