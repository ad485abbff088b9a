package org.wslx.warp.backend.kvm;

import java.util.ArrayList;
import java.util.List;

import org.wslx.warp.backend.kvm.acpi.AcpiImage;
import org.wslx.warp.backend.kvm.acpi.AcpiPlatform;
import org.wslx.warp.backend.kvm.acpi.AcpiTables;
import org.wslx.warp.backend.kvm.device.power.ResetPort;
import org.wslx.warp.backend.kvm.device.power.SleepControlPorts;
import org.wslx.warp.backend.kvm.device.uart.Uart16550;
import org.wslx.warp.backend.kvm.device.virtio.VirtioMmioTransport;

/**
 * The machine the monitor builds, as its ACPI tables describe it: the vCPUs, the PIT on GSI 0
 * (KVM's default routing, which the monitor keeps), COM1, the console and each disk in their
 * virtio-mmio slots with the level-triggered, active-high lines their models drive, the reset port
 * and the sleep control ports. Linux kernels without CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES (Debian's)
 * find the virtio devices only here.
 */
final class MachineAcpi {
    /** The in-kernel PIT raises GSI 0, which KVM's default routing sends to IOAPIC pin 0. */
    static final int PIT_GSI = 0;

    private MachineAcpi() {
    }

    static AcpiPlatform platform(int cpus, int disks) {
        List<AcpiPlatform.VirtioMmioSlot> slots = new ArrayList<>();
        slots.add(slot(VirtioSlots.CONSOLE));
        for (int i = 0; i < disks; i++) {
            slots.add(slot(VirtioSlots.disk(i)));
        }
        return new AcpiPlatform(cpus, PIT_GSI, slots,
                List.of(new AcpiPlatform.SerialPort("COM1", Uart16550.COM1, AcpiPlatform.Interrupt.levelHigh(Uart16550.COM1_IRQ))),
                new AcpiPlatform.PowerRegisters(ResetPort.PORT, ResetPort.PULSE_RESET, SleepControlPorts.PORT + SleepControlPorts.CONTROL,
                        SleepControlPorts.PORT + SleepControlPorts.STATUS, SleepControlPorts.S5_SLEEP_TYPE));
    }

    static AcpiImage tables(int cpus, int disks) {
        return AcpiTables.build(platform(cpus, disks), MachineLayout.ACPI_TABLES, MachineLayout.ACPI_TABLES_SIZE);
    }

    private static AcpiPlatform.VirtioMmioSlot slot(int slot) {
        return new AcpiPlatform.VirtioMmioSlot(slot, VirtioSlots.address(slot), VirtioMmioTransport.SLOT_SIZE,
                AcpiPlatform.Interrupt.levelHigh(VirtioSlots.irq(slot)));
    }
}
