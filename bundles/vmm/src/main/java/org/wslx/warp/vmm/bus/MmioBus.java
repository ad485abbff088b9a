package org.wslx.warp.vmm.bus;

import java.util.Arrays;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Guest physical addresses not backed by memory that devices answer. Devices register non-overlapping ranges;
 * the vCPU run loop dispatches MMIO exits here. Unclaimed reads return all ones, unclaimed writes are dropped.
 * Thread-safe.
 */
@ProviderType
public final class MmioBus {
    private final Bus<MmioDevice> bus = new Bus<>("MMIO bus");

    /**
     * Registers a device for {@code [base, base + length)}.
     *
     * @throws IllegalArgumentException when the range wraps or overlaps a registered device
     */
    public void register(long base, long length, String name, MmioDevice device) {
        bus.register(new BusRange(base, length), name, device);
    }

    public boolean unregister(MmioDevice device) {
        return bus.unregister(device);
    }

    /** Dispatches a guest read of {@code data.length} bytes; returns false (data all ones) when no device claims it. */
    public boolean read(long address, byte[] data) {
        Arrays.fill(data, (byte) 0xFF);
        Bus.Entry<MmioDevice> e = bus.find(address, data.length);
        if (e == null) {
            return false;
        }
        e.device().read(e.range().base(), address - e.range().base(), data);
        return true;
    }

    /** Dispatches a guest write; returns false when no device claims it. */
    public boolean write(long address, byte[] data) {
        Bus.Entry<MmioDevice> e = bus.find(address, data.length);
        if (e == null) {
            return false;
        }
        e.device().write(e.range().base(), address - e.range().base(), data);
        return true;
    }

    public Map<BusRange, String> devices() {
        return bus.devices();
    }
}
