package org.wslx.warp.backend.kvm.acpi;

import java.util.ArrayList;
import java.util.List;

/**
 * The Multiple APIC Description Table (ACPI 6.x §5.2.12): one enabled local APIC per vCPU, the
 * in-kernel IOAPIC at 0xFEC00000 serving GSI 0 to 23, LINT1 of every processor as NMI, and
 * interrupt source overrides where an ISA interrupt is not the PC default (edge, active high, same
 * number): the PIT's line as the monitor's irqchip wires it, and each device interrupt below 16
 * with the trigger its model really has, so an OS that treats GSIs below 16 as ISA IRQs programs
 * the IOAPIC pin the way the device drives it.
 */
final class Madt {
    static final int REVISION = 5;
    /** Flags: PCAT_COMPAT, KVM's in-kernel irqchip includes the two 8259s; an OS masks them when it uses the IOAPIC. */
    static final int PCAT_COMPAT = 1;
    static final int TYPE_LOCAL_APIC = 0;
    static final int TYPE_IO_APIC = 1;
    static final int TYPE_INTERRUPT_SOURCE_OVERRIDE = 2;
    static final int TYPE_LOCAL_APIC_NMI = 4;
    static final int LOCAL_APIC_ENABLED = 1;
    /** KVM's IOAPIC reads ID 0 after reset. */
    static final int IO_APIC_ID = 0;
    static final int ALL_PROCESSORS = 0xFF;
    static final int ISA_BUS = 0;
    static final int ISA_IRQS = 16;
    /** MPS INTI flags: polarity in bits 0–1 (1 high, 3 low), trigger in bits 2–3 (1 edge, 3 level); 0 means "as the bus". */
    static final int POLARITY_HIGH = 1;
    static final int POLARITY_LOW = 3;
    static final int TRIGGER_EDGE = 1 << 2;
    static final int TRIGGER_LEVEL = 3 << 2;

    /** An interrupt source override: ISA {@code source} arrives at {@code gsi}. */
    record Override(int source, int gsi, int flags) {
    }

    private Madt() {
    }

    static byte[] of(AcpiPlatform platform) {
        ByteWriter body = new ByteWriter().u32(AcpiPlatform.LOCAL_APIC).u32(PCAT_COMPAT);
        for (int cpu = 0; cpu < platform.cpus(); cpu++) {
            body.u8(TYPE_LOCAL_APIC).u8(8).u8(cpu).u8(cpu).u32(LOCAL_APIC_ENABLED);
        }
        body.u8(TYPE_IO_APIC).u8(12).u8(IO_APIC_ID).u8(0).u32(AcpiPlatform.IO_APIC).u32(0);
        for (Override o : overrides(platform)) {
            body.u8(TYPE_INTERRUPT_SOURCE_OVERRIDE).u8(10).u8(ISA_BUS).u8(o.source()).u32(o.gsi()).u16(o.flags());
        }
        body.u8(TYPE_LOCAL_APIC_NMI).u8(6).u8(ALL_PROCESSORS).u16(0).u8(1);
        return SystemDescriptionTable.of("APIC", REVISION, body.toArray());
    }

    /**
     * IRQ 0 always gets an entry, even when it is identity-mapped (KVM's default routing puts the
     * PIT on pin 0, where a PC has it on pin 2): an OS then need not guess. Device interrupts on
     * GSIs below 16 follow, ascending.
     */
    static List<Override> overrides(AcpiPlatform platform) {
        List<Override> overrides = new ArrayList<>();
        overrides.add(new Override(0, platform.pitGsi(), 0));
        List<AcpiPlatform.Interrupt> devices = new ArrayList<>();
        platform.serialPorts().forEach(p -> devices.add(p.interrupt()));
        platform.virtioSlots().forEach(s -> devices.add(s.interrupt()));
        devices.stream().filter(i -> i.gsi() < ISA_IRQS && i.gsi() != 0).distinct()
                .sorted((a, b) -> Integer.compare(a.gsi(), b.gsi()))
                .forEach(i -> overrides.add(new Override(i.gsi(), i.gsi(), flags(i))));
        return overrides;
    }

    static int flags(AcpiPlatform.Interrupt i) {
        return (i.activeLow() ? POLARITY_LOW : POLARITY_HIGH) | (i.level() ? TRIGGER_LEVEL : TRIGGER_EDGE);
    }
}
