package org.wslx.warp.backend.kvm.device.power;

import org.wslx.warp.vmm.bus.PortIoDevice;

/**
 * The keyboard controller's command port 0x64, only as far as its reset line: writing 0xFE (pulse
 * the CPU reset line) resets the machine, which WARP treats as the machine ending. The status
 * register reads 0 (no data, input buffer empty), so a kernel's reboot path writes at once instead of
 * polling.
 */
public final class ResetPort implements PortIoDevice {
    public static final int PORT = 0x64;
    public static final int PULSE_RESET = 0xFE;

    private final PowerControl control;

    public ResetPort(PowerControl control) {
        this.control = control;
    }

    @Override
    public void read(int base, int offset, byte[] data) {
        java.util.Arrays.fill(data, (byte) 0);
    }

    @Override
    public void write(int base, int offset, byte[] data) {
        if ((data[0] & 0xFF) == PULSE_RESET) {
            control.reset();
        }
    }
}
