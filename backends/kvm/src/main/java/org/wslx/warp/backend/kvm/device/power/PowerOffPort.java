package org.wslx.warp.backend.kvm.device.power;

/**
 * The power-off port both backends offer at 0xF4 (QEMU: isa-debug-exit): a write of any value and
 * width ends the machine. Reads return zero.
 */
public final class PowerOffPort extends PowerPort {
    public static final int PORT = 0xF4;
    public static final int PORTS = 4;

    public PowerOffPort(PowerControl control) {
        super(control);
    }

    @Override
    public void write(int base, int offset, byte[] data) {
        long value = 0;
        for (int i = data.length - 1; i >= 0; i--) {
            value = value << 8 | (data[i] & 0xFF);
        }
        control.powerOff(value);
    }
}
