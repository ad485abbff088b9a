package org.wslx.warp.backend.kvm.device.power;

import java.util.Arrays;

import org.wslx.warp.vmm.bus.PortIoDevice;

/**
 * A port through which the guest asks the machine to power off or reset. Such registers hold no
 * state worth reading back, so every read returns zero: a status of "nothing pending", which lets
 * a kernel's power-off or reboot path write at once instead of polling. Subclasses decide which
 * writes are requests.
 */
public abstract class PowerPort implements PortIoDevice {
    protected final PowerControl control;

    protected PowerPort(PowerControl control) {
        this.control = control;
    }

    @Override
    public final void read(int base, int offset, byte[] data) {
        Arrays.fill(data, (byte) 0);
    }
}
