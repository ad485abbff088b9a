package org.wslx.warp.backend.kvm.device.power;

/** What the machine does when the guest asks to power off or reset; implemented by the backend. */
public interface PowerControl {
    /** The guest wrote {@code value} to the power-off port. */
    void powerOff(long value);

    /** The guest pulsed the reset line. */
    void reset();
}
