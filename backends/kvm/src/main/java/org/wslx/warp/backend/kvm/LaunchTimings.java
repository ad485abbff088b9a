package org.wslx.warp.backend.kvm;

import java.util.LinkedHashMap;
import java.util.Map;

/** Where a launch spends its time, phase by phase, for measurement and logs. */
final class LaunchTimings {
    private final long start = System.nanoTime();
    private long last = start;
    private final Map<String, Long> phases = new LinkedHashMap<>();

    synchronized void mark(String phase) {
        long now = System.nanoTime();
        phases.put(phase, now - last);
        last = now;
    }

    /** Nanoseconds from the start of the launch to the last mark. */
    synchronized long totalNanos() {
        return last - start;
    }

    synchronized Map<String, Long> phases() {
        return Map.copyOf(phases);
    }

    @Override
    public synchronized String toString() {
        StringBuilder b = new StringBuilder();
        phases.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format("%.2f ms", v / 1e6)));
        return b.append(String.format(" (total %.2f ms)", totalNanos() / 1e6)).toString();
    }
}
