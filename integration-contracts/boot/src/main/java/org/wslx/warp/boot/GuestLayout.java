package org.wslx.warp.boot;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The guest-physical memory map a backend offers a loader: where RAM is, and which ranges are
 * taken by devices (the virtio-mmio window, the IOAPIC, the local APIC) and are never RAM. A loader
 * passes this map on to the kernel (e820 table, PVH memmap) and places nothing outside {@link #ram()}.
 * A backend that describes its machine in ACPI tables says where their root pointer is, so a
 * loader can hand it to the kernel (zero page {@code acpi_rsdp_addr}, PVH {@code rsdp_paddr}).
 *
 * @param ram      RAM ranges, ascending and not overlapping
 * @param reserved ranges that are not RAM and that the guest must not use as memory, ascending
 * @param acpiRsdp guest-physical address of the ACPI RSDP the backend placed, inside a reserved
 *                 range (so no loader writes over it and no kernel takes it for memory); 0 when the
 *                 backend provides no ACPI tables
 */
@ProviderType
public record GuestLayout(List<MemoryRange> ram, List<MemoryRange> reserved, long acpiRsdp) {
    /** Bytes of an ACPI 2.0+ RSDP. */
    public static final int RSDP_LENGTH = 36;

    /** A layout without ACPI tables. */
    public GuestLayout(List<MemoryRange> ram, List<MemoryRange> reserved) {
        this(ram, reserved, 0);
    }

    public GuestLayout {
        ram = sorted(ram);
        reserved = sorted(reserved);
        if (ram.isEmpty()) {
            throw new IllegalArgumentException("guest layout: no RAM");
        }
        for (int i = 1; i < ram.size(); i++) {
            if (ram.get(i).start() < ram.get(i - 1).end()) {
                throw new IllegalArgumentException("guest layout: " + ram.get(i) + " overlaps " + ram.get(i - 1));
            }
        }
        for (MemoryRange r : reserved) {
            for (MemoryRange m : ram) {
                if (m.overlaps(r.start(), r.size())) {
                    throw new IllegalArgumentException("guest layout: reserved " + r + " overlaps " + m);
                }
            }
        }
        if (acpiRsdp != 0 && !anyContains(reserved, acpiRsdp, RSDP_LENGTH)) {
            throw new IllegalArgumentException("guest layout: the ACPI RSDP at 0x" + Long.toHexString(acpiRsdp)
                    + " does not lie inside one of the reserved ranges " + reserved);
        }
    }

    /** Whether the backend provides ACPI tables ({@link #acpiRsdp()} is their root). */
    public boolean hasAcpi() {
        return acpiRsdp != 0;
    }

    private static boolean anyContains(List<MemoryRange> ranges, long address, long length) {
        for (MemoryRange r : ranges) {
            if (r.contains(address, length)) {
                return true;
            }
        }
        return false;
    }

    private static List<MemoryRange> sorted(List<MemoryRange> ranges) {
        return ranges.stream().sorted(Comparator.comparingLong(MemoryRange::start)).toList();
    }

    /** The RAM range holding all of {@code [address, address + length)}, if one does. */
    public Optional<MemoryRange> ramContaining(long address, long length) {
        return ram.stream().filter(r -> r.contains(address, length)).findFirst();
    }

    /** Exclusive end of the highest RAM range. */
    public long ramEnd() {
        return ram.get(ram.size() - 1).end();
    }

    /** Exclusive end of the highest RAM range that ends at or below {@code limit}, or of its part below it. */
    public long ramEndBelow(long limit) {
        long end = 0;
        for (MemoryRange r : ram) {
            if (r.start() < limit) {
                end = Math.max(end, Math.min(r.end(), limit));
            }
        }
        return end;
    }

    /** Total bytes of RAM. */
    public long ramBytes() {
        return ram.stream().mapToLong(MemoryRange::size).sum();
    }
}
