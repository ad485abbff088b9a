package org.wslx.warp.core;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Stops instances that have had no process running for longer than their idle timeout, the way
 * WSL shuts a distribution down a while after its last command.
 */
final class IdleReaper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IdleReaper.class.getName());
    private static final long PERIOD_MILLIS = 1000;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warp-idle-reaper");
        t.setDaemon(true);
        return t;
    });

    IdleReaper(Supplier<List<LiveInstance>> idleInstances, BiConsumer<String, String> stop) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                for (LiveInstance instance : idleInstances.get()) {
                    stop.accept(instance.name(), "idle since " + instance.lastActivity());
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "idle check failed: {0}", e.toString());
            }
        }, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
