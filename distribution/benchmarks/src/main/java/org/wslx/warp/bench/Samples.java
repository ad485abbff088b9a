package org.wslx.warp.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The durations of one measurement, in nanoseconds. Medians, not means: on a shared two-core host
 * a single descheduled round would drag a mean far from what a user sees.
 */
final class Samples {
    private final String name;
    private final List<Long> nanos = new ArrayList<>();

    Samples(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    void add(long durationNanos) {
        if (durationNanos < 0) {
            throw new IllegalArgumentException("samples '" + name + "': a duration cannot be negative (" + durationNanos + " ns)");
        }
        nanos.add(durationNanos);
    }

    int rounds() {
        return nanos.size();
    }

    double medianMillis() {
        List<Long> sorted = sorted();
        int middle = sorted.size() / 2;
        double median = sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
        return median / 1e6;
    }

    double minMillis() {
        return sorted().get(0) / 1e6;
    }

    double maxMillis() {
        List<Long> sorted = sorted();
        return sorted.get(sorted.size() - 1) / 1e6;
    }

    private List<Long> sorted() {
        if (nanos.isEmpty()) {
            throw new IllegalStateException("samples '" + name + "': no round was measured");
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted;
    }

    /** How many times {@code value} is of {@code peer}; a zero peer has no meaningful ratio. */
    static double ratio(double value, double peer) {
        if (!(peer > 0)) {
            throw new IllegalArgumentException("ratio of " + value + " against " + peer + ": the peer must be positive");
        }
        return value / peer;
    }
}
