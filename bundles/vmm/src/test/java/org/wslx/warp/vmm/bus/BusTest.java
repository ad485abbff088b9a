package org.wslx.warp.vmm.bus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BusTest {
    /** Records accesses; answers reads with its offset. */
    static final class Recorder implements PortIoDevice, MmioDevice {
        final List<String> log = new ArrayList<>();

        @Override
        public void read(int base, int offset, byte[] data) {
            log.add("r " + Integer.toHexString(base) + "+" + offset + "/" + data.length);
            data[0] = (byte) offset;
        }

        @Override
        public void write(int base, int offset, byte[] data) {
            log.add("w " + Integer.toHexString(base) + "+" + offset + "=" + data[0]);
        }

        @Override
        public void read(long base, long offset, byte[] data) {
            log.add("r " + Long.toHexString(base) + "+" + offset + "/" + data.length);
            data[0] = (byte) offset;
        }

        @Override
        public void write(long base, long offset, byte[] data) {
            log.add("w " + Long.toHexString(base) + "+" + offset + "=" + data[0]);
        }
    }

    @Test
    void portAccessesReachTheDeviceWithOffsets() {
        PortIoBus bus = new PortIoBus();
        Recorder serial = new Recorder();
        bus.register(0x3f8, 8, "serial", serial);
        byte[] data = new byte[1];
        assertTrue(bus.read(0x3fd, data));
        assertEquals(5, data[0]);
        assertTrue(bus.write(0x3f8, new byte[] {65}));
        assertEquals(List.of("r 3f8+5/1", "w 3f8+0=65"), serial.log);
    }

    @Test
    void unclaimedPortsReadAllOnesAndAccessesSpillingOutOfARangeAreUnclaimed() {
        PortIoBus bus = new PortIoBus();
        Recorder d = new Recorder();
        bus.register(0x60, 2, "kbd", d);
        byte[] data = new byte[4];
        assertFalse(bus.read(0x61, data));
        assertArrayEquals(new byte[] {-1, -1, -1, -1}, data);
        assertFalse(bus.write(0x80, new byte[1]));
        assertTrue(d.log.isEmpty());
    }

    @Test
    void overlapsAndRangesOutsideThePortSpaceAreRejectedNamingBothDevices() {
        PortIoBus bus = new PortIoBus();
        bus.register(0x3f8, 8, "serial", new Recorder());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bus.register(0x3ff, 2, "debug", new Recorder()));
        assertTrue(e.getMessage().contains("'debug'") && e.getMessage().contains("'serial'")
                && e.getMessage().contains("[0x3f8, 0x400)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> bus.register(0xffff, 2, "x", new Recorder()));
        assertThrows(IllegalArgumentException.class, () -> bus.register(-1, 1, "x", new Recorder()));
        bus.register(0x3f0, 8, "adjacent", new Recorder());
        assertEquals(2, bus.devices().size());
    }

    @Test
    void mmioDispatchOverlapsAndUnregister() {
        MmioBus bus = new MmioBus();
        Recorder d = new Recorder();
        bus.register(0xd000_0000L, 0x1000, "virtio", d);
        byte[] data = new byte[4];
        assertTrue(bus.read(0xd000_0010L, data));
        assertEquals(0x10, data[0]);
        assertFalse(bus.read(0xd000_0ffeL, data), "crosses the range end");
        assertThrows(IllegalArgumentException.class, () -> bus.register(0xcfff_f000L, 0x1001, "x", new Recorder()));
        assertThrows(IllegalArgumentException.class, () -> bus.register(-16L, 32, "wraps", new Recorder()));
        bus.register(-16L, 16, "top", new Recorder());
        assertTrue(bus.write(-1L, new byte[1]));
        assertTrue(bus.unregister(d));
        assertFalse(bus.write(0xd000_0000L, new byte[1]));
    }

    @Test
    void pulseRaisesThenLowers() {
        List<String> levels = new ArrayList<>();
        InterruptLine line = new InterruptLine() {
            @Override
            public void raise() {
                levels.add("high");
            }

            @Override
            public void lower() {
                levels.add("low");
            }
        };
        line.pulse();
        assertEquals(List.of("high", "low"), levels);
    }
}
