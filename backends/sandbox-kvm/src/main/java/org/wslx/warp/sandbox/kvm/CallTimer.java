package org.wslx.warp.sandbox.kvm;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that stops calls running past their time limit by kicking their vCPU. A kick
 * that arrives after its call ended is harmless: the next run returns early, sees its own deadline has
 * not passed, and runs again.
 */
final class CallTimer implements AutoCloseable {
    private final ScheduledThreadPoolExecutor executor;

    CallTimer() {
        executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "warp-sandbox-timer");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
    }

    ScheduledFuture<?> after(long nanos, Runnable action) {
        return executor.schedule(action, nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
