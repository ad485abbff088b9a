package org.wslx.warp.backend.kvm.acpi;

import java.util.List;

/**
 * What the ACPI tables describe: the processors, the interrupt controllers' wiring, the
 * virtio-mmio devices and the legacy UART, and the ports that reset and power off the machine.
 * Built by the monitor from a machine's spec; the tables are a pure function of it.
 *
 * @param cpus         vCPUs, local APIC IDs 0 to cpus − 1
 * @param pitGsi       the GSI the in-kernel PIT raises (KVM's default routing: 0, IOAPIC pin 0)
 * @param virtioSlots  populated virtio-mmio slots, each described as an {@code LNRO0005} device
 * @param serialPorts  16550 UARTs, each described as a {@code PNP0501} device
 * @param power        the reset and sleep registers
 */
public record AcpiPlatform(int cpus, int pitGsi, List<VirtioMmioSlot> virtioSlots, List<SerialPort> serialPorts,
        PowerRegisters power) {
    /** APIC IDs of type-0 local APIC entries are one byte, and 0xFF means broadcast. */
    public static final int MAX_CPUS = 255;
    /** The local APIC's and the IOAPIC's guest-physical addresses. */
    public static final long LOCAL_APIC = 0xFEE0_0000L;
    public static final long IO_APIC = 0xFEC0_0000L;
    /** KVM's in-kernel IOAPIC has 24 pins, GSI 0 to 23. */
    public static final int IO_APIC_PINS = 24;

    /**
     * One interrupt input of the IOAPIC, and how the device drives it.
     *
     * @param gsi       global system interrupt, the IOAPIC pin
     * @param level     level-triggered (the line stays high while the device wants service) rather than edge
     * @param activeLow asserted low rather than high
     */
    public record Interrupt(int gsi, boolean level, boolean activeLow) {
        public Interrupt {
            if (gsi < 0 || gsi >= IO_APIC_PINS) {
                throw new IllegalArgumentException("ACPI interrupt: GSI " + gsi + " is not an IOAPIC pin (0 to " + (IO_APIC_PINS - 1) + ")");
            }
        }

        /** Level-triggered, active high: how WARP's device models drive their lines. */
        public static Interrupt levelHigh(int gsi) {
            return new Interrupt(gsi, true, false);
        }
    }

    /** A virtio-mmio transport at {@code [base, base + size)}, slot {@code slot} (its ACPI _UID). */
    public record VirtioMmioSlot(int slot, long base, long size, Interrupt interrupt) {
    }

    /** A 16550 UART at IO ports {@code [port, port + 8)}; {@code name} is its four-character ACPI name, e.g. COM1. */
    public record SerialPort(String name, int port, Interrupt interrupt) {
    }

    /**
     * Hardware-reduced ACPI has no fixed PM1 registers: a reset register and the sleep control and
     * status registers (ACPI 6.x §4.8.3.6, §4.8.3.7) are how an OS resets and powers off.
     *
     * @param resetPort        IO port of the reset register
     * @param resetValue       the byte that resets the machine when written there
     * @param sleepControlPort IO port of the sleep control register (SLP_TYPx in bits 2–4, SLP_EN bit 5)
     * @param sleepStatusPort  IO port of the sleep status register (WAK_STS bit 7)
     * @param s5SleepType      the SLP_TYP value {@code \_S5} names for soft-off
     */
    public record PowerRegisters(int resetPort, int resetValue, int sleepControlPort, int sleepStatusPort, int s5SleepType) {
    }

    public AcpiPlatform {
        virtioSlots = List.copyOf(virtioSlots);
        serialPorts = List.copyOf(serialPorts);
        if (cpus < 1 || cpus > MAX_CPUS) {
            throw new IllegalArgumentException("ACPI tables: " + cpus + " vCPUs cannot be described; local APIC entries take 1 to "
                    + MAX_CPUS);
        }
        if (pitGsi < 0 || pitGsi >= IO_APIC_PINS) {
            throw new IllegalArgumentException("ACPI tables: the PIT's GSI " + pitGsi + " is not an IOAPIC pin");
        }
    }
}
