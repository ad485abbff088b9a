package org.wslx.warp.shell;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The providers of one kind currently bound, each with its origin. Keys are the service
 * references DS hands over, so a provider registered twice by two bundles shows twice.
 */
final class ProviderSet<S> {
    record Provided<S>(S service, ProviderOrigin origin) {
    }

    private final Map<Object, Provided<S>> bound = new ConcurrentHashMap<>();

    void add(Object key, S service, ProviderOrigin origin) {
        bound.put(key, new Provided<>(service, origin));
    }

    void remove(Object key) {
        bound.remove(key);
    }

    /** A snapshot sorted by {@code name}, so listings are stable however services arrived. */
    List<Provided<S>> sortedBy(Function<S, String> name) {
        return bound.values().stream()
                .sorted(Comparator.comparing((Provided<S> p) -> name.apply(p.service()))
                        .thenComparingLong(p -> p.origin().bundleId()))
                .toList();
    }
}
