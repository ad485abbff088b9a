package org.wslx.warp.backend.kvm;

import java.util.ArrayList;
import java.util.List;

import org.wslx.warp.backend.kvm.device.virtio.VirtioMmioTransport;
import org.wslx.warp.boot.GuestLayout;
import org.wslx.warp.boot.MemoryRange;

/**
 * Where a machine's RAM, firmware tables and devices live in guest-physical memory. Guest memory
 * starts at 0 and stops at the PCI hole at 3 GiB; what does not fit below it continues at 4 GiB.
 * Of the memory below 1 MiB, [0xE0000, 0x100000) holds the monitor's ACPI tables, where a PC's
 * BIOS keeps them: the guest is told it is reserved, so loaders and kernels leave it alone. The
 * hole holds the virtio-mmio window, the IOAPIC and the local APIC.
 */
final class MachineLayout {
    static final long HOLE_START = 0xC000_0000L;
    static final long FOUR_GIB = 1L << 32;
    static final long MIB = 1L << 20;
    /** The ACPI tables, RSDP first; the legacy RSDP scan covers [0xE0000, 0x100000) too. */
    static final long ACPI_TABLES = 0xE_0000L;
    static final long ACPI_TABLES_SIZE = MIB - ACPI_TABLES;
    /** Three pages Intel VMX needs for real-mode emulation; in the hole, below the virtio window. */
    static final long VMX_TSS = 0xFFFB_D000L;

    private MachineLayout() {
    }

    /** The guest-physical ranges backed by guest memory: everything below the hole, and the rest above 4 GiB. */
    static List<MemoryRange> memory(int memoryMiB) {
        long bytes = Math.max(memoryMiB * MIB, MIB);
        List<MemoryRange> memory = new ArrayList<>();
        memory.add(new MemoryRange(0, Math.min(bytes, HOLE_START), "guest memory"));
        if (bytes > HOLE_START) {
            memory.add(new MemoryRange(FOUR_GIB, bytes - HOLE_START, "guest memory above 4 GiB"));
        }
        return memory;
    }

    /** What the guest is told: RAM around the ACPI tables, the tables and the virtio-mmio window reserved. */
    static GuestLayout of(int memoryMiB) {
        List<MemoryRange> ram = new ArrayList<>();
        List<MemoryRange> memory = memory(memoryMiB);
        MemoryRange low = memory.get(0);
        ram.add(new MemoryRange(0, ACPI_TABLES, "RAM"));
        if (low.end() > MIB) {
            ram.add(new MemoryRange(MIB, low.end() - MIB, "RAM"));
        }
        if (memory.size() > 1) {
            ram.add(new MemoryRange(FOUR_GIB, memory.get(1).size(), "RAM above 4 GiB"));
        }
        return new GuestLayout(ram, List.of(new MemoryRange(ACPI_TABLES, ACPI_TABLES_SIZE, "ACPI tables"),
                new MemoryRange(VirtioMmioTransport.WINDOW, VirtioMmioTransport.SLOTS * VirtioMmioTransport.SLOT_SIZE,
                        "virtio-mmio window")), ACPI_TABLES);
    }
}
