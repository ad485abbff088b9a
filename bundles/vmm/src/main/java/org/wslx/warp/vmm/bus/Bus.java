package org.wslx.warp.vmm.bus;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Devices by address range, the common part of {@link PortIoBus} and {@link MmioBus}. Lookups (on every guest
 * access, from any vCPU thread) read an immutable map without locking; registration (rare) copies it.
 */
final class Bus<D> {
    /** One registration. */
    record Entry<D>(BusRange range, String name, D device) {
    }

    private final String busName;
    private volatile NavigableMap<Long, Entry<D>> entries = Collections.emptyNavigableMap();

    Bus(String busName) {
        this.busName = busName;
    }

    synchronized void register(BusRange range, String name, D device) {
        if (device == null || name == null) {
            throw new NullPointerException(busName + ": device and name are required");
        }
        for (Entry<D> e : entries.values()) {
            if (e.range().overlaps(range)) {
                throw new IllegalArgumentException(busName + ": device '" + name + "' at " + range
                        + " overlaps device '" + e.name() + "' at " + e.range());
            }
        }
        NavigableMap<Long, Entry<D>> copy = new TreeMap<>(Long::compareUnsigned);
        copy.putAll(entries);
        copy.put(range.base(), new Entry<>(range, name, device));
        entries = Collections.unmodifiableNavigableMap(copy);
    }

    synchronized boolean unregister(D device) {
        NavigableMap<Long, Entry<D>> copy = new TreeMap<>(Long::compareUnsigned);
        copy.putAll(entries);
        boolean removed = copy.values().removeIf(e -> e.device() == device);
        entries = Collections.unmodifiableNavigableMap(copy);
        return removed;
    }

    /** The device whose range holds all of {@code [address, address + size)}, or null. */
    Entry<D> find(long address, long size) {
        Map.Entry<Long, Entry<D>> floor = entries.floorEntry(address);
        if (floor == null || !floor.getValue().range().contains(address, size)) {
            return null;
        }
        return floor.getValue();
    }

    Map<BusRange, String> devices() {
        Map<BusRange, String> out = new java.util.LinkedHashMap<>();
        for (Entry<D> e : entries.values()) {
            out.put(e.range(), e.name());
        }
        return Collections.unmodifiableMap(out);
    }
}
