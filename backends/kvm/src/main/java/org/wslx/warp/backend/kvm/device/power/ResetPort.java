package org.wslx.warp.backend.kvm.device.power;

/**
 * The keyboard controller's command port 0x64, only as far as its reset line: writing 0xFE (pulse
 * the CPU reset line) resets the machine, which WARP treats as the machine ending. The status
 * register reads 0 (no data, input buffer empty), so a kernel's reboot path writes at once instead of
 * polling.
 */
public final class ResetPort extends PowerPort {
    public static final int PORT = 0x64;
    public static final int PULSE_RESET = 0xFE;

    public ResetPort(PowerControl control) {
        super(control);
    }

    @Override
    public void write(int base, int offset, byte[] data) {
        if ((data[0] & 0xFF) == PULSE_RESET) {
            control.reset();
        }
    }
}
