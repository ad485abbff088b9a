package org.wslx.warp.sandbox.kvm;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread that stops calls running past their time limit by kicking their vCPU. Starting
 * and ending a watch only adds to and removes from a set: the thread polls every millisecond while
 * calls have been made recently and parks after a second without any, so back-to-back calls never pay
 * for waking it (a scheduled-executor timer costs a thread wake-up per call). A kick that arrives after
 * its call ended is harmless: the next run returns early, sees its own deadline has not passed, and
 * runs again.
 */
final class CallWatchdog implements AutoCloseable {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** One call's deadline. */
    final class Watch {
        private final long deadline;
        private final Runnable onExpiry;

        private Watch(long deadline, Runnable onExpiry) {
            this.deadline = deadline;
            this.onExpiry = onExpiry;
        }

        void cancel() {
            watches.remove(this);
        }
    }

    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean parked;
    private volatile boolean closed;

    CallWatchdog() {
        thread = new Thread(this::loop, "warp-sandbox-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code onExpiry} once {@link System#nanoTime()} passes {@code deadline}, unless cancelled first. */
    Watch watch(long deadline, Runnable onExpiry) {
        Watch watch = new Watch(deadline, onExpiry);
        watches.add(watch);
        if (parked) {
            LockSupport.unpark(thread);
        }
        return watch;
    }

    private void loop() {
        long lastBusy = System.nanoTime();
        while (!closed) {
            long now = System.nanoTime();
            for (Watch watch : watches) {
                if (now - watch.deadline >= 0 && watches.remove(watch)) {
                    watch.onExpiry.run();
                }
            }
            if (!watches.isEmpty()) {
                lastBusy = now;
            }
            if (now - lastBusy > IDLE_NANOS) {
                parked = true;
                if (watches.isEmpty() && !closed) {
                    LockSupport.park(this);
                }
                parked = false;
                lastBusy = System.nanoTime();
            } else {
                LockSupport.parkNanos(this, POLL_NANOS);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
