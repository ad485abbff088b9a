package org.wslx.warp.bench.sandbox;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Samples of one measurement in nanoseconds, reduced to a median and a 90th percentile. */
final class Timings {
    private final List<Long> nanos = new ArrayList<>();

    void add(long value) {
        nanos.add(value);
    }

    int count() {
        return nanos.size();
    }

    double medianMicros() {
        return percentile(50) / 1000.0;
    }

    double p90Micros() {
        return percentile(90) / 1000.0;
    }

    private long percentile(int p) {
        if (nanos.isEmpty()) {
            return 0;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }

    static String micros(double value) {
        return value >= 10_000 ? String.format(Locale.ROOT, "%.1f ms", value / 1000)
                : String.format(Locale.ROOT, "%.1f µs", value);
    }

    static String ratio(double value, double peer) {
        return peer <= 0 ? "-" : String.format(Locale.ROOT, "%.2f×", value / peer);
    }
}
