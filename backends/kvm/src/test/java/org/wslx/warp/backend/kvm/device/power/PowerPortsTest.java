package org.wslx.warp.backend.kvm.device.power;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PowerPortsTest {
    private final List<String> events = new ArrayList<>();
    private final PowerControl control = new PowerControl() {
        @Override
        public void powerOff(long value) {
            events.add("off " + Long.toHexString(value));
        }

        @Override
        public void reset() {
            events.add("reset");
        }
    };

    @Test
    void anyWriteToThePowerOffPortEndsTheMachineWithItsValue() {
        PowerOffPort port = new PowerOffPort(control);
        port.write(0xF4, 0, new byte[] {0x78, 0x56, 0x34, 0x12});
        port.write(0xF4, 0, new byte[] {0x01});
        assertEquals(List.of("off 12345678", "off 1"), events);
    }

    @Test
    void onlyTheResetCommandResets() {
        ResetPort port = new ResetPort(control);
        port.write(0x64, 0, new byte[] {(byte) 0xD1});
        byte[] status = {(byte) 0xFF};
        port.read(0x64, 0, status);
        assertEquals(0, status[0], "input buffer empty, so a reboot path writes at once");
        port.write(0x64, 0, new byte[] {(byte) 0xFE});
        assertEquals(List.of("reset"), events);
    }

    @Test
    void softOffThroughTheAcpiSleepControlRegister() {
        SleepControlPorts ports = new SleepControlPorts(control);
        // What Linux's hardware-reduced S5 entry does: clear WAK_STS, then SLP_TYP 5 with SLP_EN.
        ports.write(0x600, SleepControlPorts.STATUS, new byte[] {(byte) 0x80});
        ports.write(0x600, SleepControlPorts.CONTROL, new byte[] {5 << 2});
        ports.write(0x600, SleepControlPorts.CONTROL, new byte[] {3 << 2 | 0x20});
        assertEquals(List.of(), events, "no SLP_EN, or a sleep state other than S5, does nothing");
        byte[] status = {(byte) 0xFF};
        ports.read(0x600, SleepControlPorts.STATUS, status);
        assertEquals(0, status[0], "WAK_STS never rises");
        ports.write(0x600, SleepControlPorts.CONTROL, new byte[] {5 << 2 | 0x20});
        assertEquals(List.of("off 34"), events);
    }

    @Test
    void everyPowerPortReadsZeroAtEveryWidthAndReadingAsksForNothing() {
        for (PowerPort port : List.of(new PowerOffPort(control), new ResetPort(control), new SleepControlPorts(control))) {
            for (int width : new int[] {1, 2, 4}) {
                byte[] data = new byte[width];
                java.util.Arrays.fill(data, (byte) 0xFF);
                port.read(0, 0, data);
                assertArrayEquals(new byte[width], data, port.getClass().getSimpleName() + " reads zero at width " + width);
            }
        }
        assertEquals(List.of(), events);
    }
}
