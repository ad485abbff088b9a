package org.wslx.warp.backend.kvm.acpi;

import java.util.ArrayList;
import java.util.List;

/** Platforms shaped like the monitor's, for the table tests. */
final class Platforms {
    static final AcpiPlatform.PowerRegisters POWER = new AcpiPlatform.PowerRegisters(0x64, 0xFE, 0x600, 0x601, 5);
    static final AcpiPlatform.SerialPort COM1 = new AcpiPlatform.SerialPort("COM1", 0x3F8, AcpiPlatform.Interrupt.levelHigh(4));

    private Platforms() {
    }

    /** {@code slots} virtio-mmio slots from 0 at 0xFEB00000 + n × 0x200 on GSI 5 + n, and optionally COM1. */
    static AcpiPlatform of(int cpus, int slots, boolean com1) {
        List<AcpiPlatform.VirtioMmioSlot> list = new ArrayList<>();
        for (int n = 0; n < slots; n++) {
            list.add(new AcpiPlatform.VirtioMmioSlot(n, 0xFEB00000L + n * 0x200L, 0x200, AcpiPlatform.Interrupt.levelHigh(5 + n)));
        }
        return new AcpiPlatform(cpus, 0, list, com1 ? List.of(COM1) : List.of(), POWER);
    }

    static int u8(byte[] b, int at) {
        return b[at] & 0xFF;
    }

    static int u16(byte[] b, int at) {
        return u8(b, at) | u8(b, at + 1) << 8;
    }

    static long u32(byte[] b, int at) {
        return (long) u16(b, at) | (long) u16(b, at + 2) << 16;
    }

    static long u64(byte[] b, int at) {
        return u32(b, at) | u32(b, at + 4) << 32;
    }

    static int sum(byte[] b, int from, int to) {
        int s = 0;
        for (int i = from; i < to; i++) {
            s += b[i];
        }
        return s & 0xFF;
    }

    static String ascii(byte[] b, int at, int length) {
        return new String(b, at, length, java.nio.charset.StandardCharsets.US_ASCII);
    }

    static byte[] hex(String text) {
        return java.util.HexFormat.of().parseHex(text.replaceAll("\\s", ""));
    }
}
