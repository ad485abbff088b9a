package org.wslx.warp.backend.kvm.device.uart;

/** Where the UART's transmitted bytes go; the backend buffers them into the console log. */
@FunctionalInterface
public interface UartOutput {
    /** One byte the guest wrote to the transmit holding register. Called on a vCPU thread; must not block long. */
    void transmit(int value);
}
