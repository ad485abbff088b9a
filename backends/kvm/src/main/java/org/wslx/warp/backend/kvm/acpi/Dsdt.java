package org.wslx.warp.backend.kvm.acpi;

import java.util.ArrayList;
import java.util.List;

/**
 * The Differentiated System Description Table: AML declaring under {@code \_SB} one
 * {@code LNRO0005} device per populated virtio-mmio slot (the ID Linux's virtio_mmio driver
 * matches, as on QEMU's microvm) and one {@code PNP0501} per UART, each with its memory or IO
 * range and its interrupt as the device model drives it; and {@code \_S5}, the sleep type the
 * sleep control register takes for soft-off.
 */
final class Dsdt {
    /** Revision 2: integers are 64 bits. */
    static final int REVISION = 2;
    static final String VIRTIO_MMIO_HID = "LNRO0005";
    static final String UART_16550_HID = "PNP0501";

    private Dsdt() {
    }

    static byte[] of(AcpiPlatform platform) {
        return SystemDescriptionTable.of("DSDT", REVISION, aml(platform));
    }

    static byte[] aml(AcpiPlatform platform) {
        List<byte[]> devices = new ArrayList<>();
        for (int i = 0; i < platform.serialPorts().size(); i++) {
            AcpiPlatform.SerialPort port = platform.serialPorts().get(i);
            devices.add(Aml.device(port.name(),
                    Aml.name("_HID", Aml.eisaId(UART_16550_HID)),
                    Aml.name("_UID", Aml.integer(i + 1)),
                    Aml.name("_CRS", Aml.buffer(new ResourceTemplate().io(port.port(), 8).interrupt(port.interrupt()).bytes()))));
        }
        for (AcpiPlatform.VirtioMmioSlot slot : platform.virtioSlots()) {
            devices.add(Aml.device(String.format("VR%02d", slot.slot()),
                    Aml.name("_HID", Aml.string(VIRTIO_MMIO_HID)),
                    Aml.name("_UID", Aml.integer(slot.slot())),
                    // DMA is cache-coherent: the device model reads and writes guest memory directly.
                    Aml.name("_CCA", Aml.integer(1)),
                    Aml.name("_CRS", Aml.buffer(new ResourceTemplate().memory32Fixed(true, slot.base(), slot.size())
                            .interrupt(slot.interrupt()).bytes()))));
        }
        int s5 = platform.power().s5SleepType();
        return Aml.concat(
                Aml.scope("\\_SB", devices.toArray(byte[][]::new)),
                Aml.name("\\_S5", Aml.packageOf(Aml.integer(s5), Aml.integer(s5), Aml.integer(0), Aml.integer(0))));
    }
}
