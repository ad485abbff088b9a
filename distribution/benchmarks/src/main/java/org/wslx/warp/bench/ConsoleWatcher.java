package org.wslx.warp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Watches a serial console log (QEMU's {@code -serial file:}) from a thread of its own and records
 * when a marker first appears. Both sides of the boot benchmark are timed with this same watcher,
 * so its polling interval costs them alike.
 */
final class ConsoleWatcher implements AutoCloseable {
    /** The agent's first console line as PID 1 starts: "/init reached". */
    static final String AGENT_MARKER = "warp-agent:";
    private static final long POLL_MILLIS = 2;

    private final Path log;
    private final String marker;
    private final Thread thread;
    private volatile long seenAt = -1;
    private volatile boolean stopped;

    private ConsoleWatcher(Path log, String marker) {
        this.log = log;
        this.marker = marker;
        this.thread = new Thread(this::poll, "console-watcher");
        this.thread.setDaemon(true);
    }

    /** Starts watching; the log should not exist yet (or hold no marker) when this is called. */
    static ConsoleWatcher start(Path log, String marker) {
        ConsoleWatcher watcher = new ConsoleWatcher(log, marker);
        watcher.thread.start();
        return watcher;
    }

    private void poll() {
        while (!stopped) {
            try {
                if (new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).contains(marker)) {
                    seenAt = System.nanoTime();
                    return;
                }
            } catch (NoSuchFileException e) {
                // QEMU has not created the log yet
            } catch (IOException e) {
                // the file is being replaced; look again at the next tick
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The System.nanoTime at which the marker was seen, waiting up to {@code timeoutMillis}. */
    long awaitMarker(long timeoutMillis) throws InterruptedException {
        thread.join(timeoutMillis);
        if (seenAt < 0) {
            throw new IllegalStateException("console log '" + log + "': '" + marker + "' did not appear within "
                    + timeoutMillis + " ms");
        }
        return seenAt;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
