package org.wslx.warp.vmm.bus;

import java.util.Arrays;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The 64 KiB x86 IO-port space. Devices register non-overlapping port ranges; the vCPU run loop dispatches the
 * guest's {@code in}/{@code out} here. Unclaimed reads return all ones, unclaimed writes are dropped, as on a PC.
 * Thread-safe.
 */
@ProviderType
public final class PortIoBus {
    public static final int PORT_SPACE = 0x10000;

    private final Bus<PortIoDevice> bus = new Bus<>("port IO bus");

    /**
     * Registers a device for ports {@code [base, base + count)}.
     *
     * @throws IllegalArgumentException when the range leaves the port space or overlaps a registered device
     */
    public void register(int base, int count, String name, PortIoDevice device) {
        if (base < 0 || count <= 0 || base + count > PORT_SPACE) {
            throw new IllegalArgumentException("port IO bus: device '" + name + "' at ports 0x" + Integer.toHexString(base)
                    + " + " + count + " is outside the port space [0, 0x10000)");
        }
        bus.register(new BusRange(base, count), name, device);
    }

    /** Removes a device from every range it was registered for; returns whether it was registered. */
    public boolean unregister(PortIoDevice device) {
        return bus.unregister(device);
    }

    /** Dispatches a guest read of {@code data.length} bytes; returns false (data all ones) when no device claims it. */
    public boolean read(int port, byte[] data) {
        Arrays.fill(data, (byte) 0xFF);
        Bus.Entry<PortIoDevice> e = bus.find(port & 0xFFFF, data.length);
        if (e == null) {
            return false;
        }
        int base = (int) e.range().base();
        e.device().read(base, (port & 0xFFFF) - base, data);
        return true;
    }

    /** Dispatches a guest write; returns false when no device claims it. */
    public boolean write(int port, byte[] data) {
        Bus.Entry<PortIoDevice> e = bus.find(port & 0xFFFF, data.length);
        if (e == null) {
            return false;
        }
        int base = (int) e.range().base();
        e.device().write(base, (port & 0xFFFF) - base, data);
        return true;
    }

    /** Registered ranges and device names, by base port. */
    public Map<BusRange, String> devices() {
        return bus.devices();
    }
}
