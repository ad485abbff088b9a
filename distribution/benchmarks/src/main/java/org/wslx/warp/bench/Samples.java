package org.wslx.warp.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The durations of one measurement, in nanoseconds. Medians, not means: on a shared two-core host
 * a single descheduled round would drag a mean far from what a user sees. Every benchmark reduces
 * its rounds here, so all tables mean the same thing by "median".
 */
public final class Samples {
    private final String name;
    private final List<Long> nanos = new ArrayList<>();

    public Samples(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public void add(long durationNanos) {
        if (durationNanos < 0) {
            throw new IllegalArgumentException("samples '" + name + "': a duration cannot be negative (" + durationNanos + " ns)");
        }
        nanos.add(durationNanos);
    }

    public int rounds() {
        return nanos.size();
    }

    public double medianNanos() {
        List<Long> sorted = sorted();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
    }

    public double medianMillis() {
        return medianNanos() / 1e6;
    }

    /** The {@code percent}th percentile: the sorted rounds' value at index rounds × percent / 100. */
    public long percentileNanos(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("samples '" + name + "': percentile " + percent + " is not in 0..100");
        }
        List<Long> sorted = sorted();
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percent / 100));
    }

    public double minMillis() {
        return sorted().get(0) / 1e6;
    }

    public double maxMillis() {
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
    public static double ratio(double value, double peer) {
        if (!(peer > 0)) {
            throw new IllegalArgumentException("ratio of " + value + " against " + peer + ": the peer must be positive");
        }
        return value / peer;
    }
}
