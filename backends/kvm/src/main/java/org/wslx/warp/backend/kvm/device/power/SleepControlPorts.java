package org.wslx.warp.backend.kvm.device.power;

/**
 * The sleep control and status registers of hardware-reduced ACPI (ACPI 6.x §4.8.3.7), at two IO
 * ports named in the FADT: an OS powers off by writing SLP_EN (bit 5) with the {@code \_S5} sleep
 * type in bits 2–4 to the control register. Only soft-off is offered; other sleep types are
 * ignored. The status register reads 0: WAK_STS never rises, since the machine never wakes.
 */
public final class SleepControlPorts extends PowerPort {
    public static final int PORT = 0x600;
    public static final int PORTS = 2;
    public static final int CONTROL = 0;
    public static final int STATUS = 1;
    /** The sleep type {@code \_S5} names; the value is the platform's choice. */
    public static final int S5_SLEEP_TYPE = 5;
    static final int SLEEP_ENABLE = 1 << 5;
    static final int SLEEP_TYPE_SHIFT = 2;
    static final int SLEEP_TYPE_MASK = 7;

    public SleepControlPorts(PowerControl control) {
        super(control);
    }

    @Override
    public void write(int base, int offset, byte[] data) {
        if (offset != CONTROL) {
            return;
        }
        int value = data[0] & 0xFF;
        if ((value & SLEEP_ENABLE) != 0 && (value >>> SLEEP_TYPE_SHIFT & SLEEP_TYPE_MASK) == S5_SLEEP_TYPE) {
            control.powerOff(value);
        }
    }
}
