package org.wslx.warp.core;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;

/**
 * Holds requests back until the framework has started every bundle of its start level. The core
 * starts before the providers it composes from, and the CLI server may pass on a request at once;
 * without this, the service's first command can find no personality, image format or backend
 * merely because their bundles have not started yet.
 */
final class FrameworkStartGate implements AutoCloseable {
    private final CountDownLatch started = new CountDownLatch(1);
    private final BundleContext context;
    private final FrameworkListener listener = event -> {
        if (event.getType() == FrameworkEvent.STARTED) {
            open();
        }
    };

    FrameworkStartGate(BundleContext context) {
        this.context = context;
        context.addFrameworkListener(listener);
        // STARTED may have fired before the listener was added: look at the framework's state too.
        if (context.getBundle(0).getState() == Bundle.ACTIVE) {
            open();
        }
    }

    private void open() {
        started.countDown();
    }

    /** Waits until the framework has started, at most {@code seconds}; then carries on regardless. */
    void await(long seconds) {
        try {
            started.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            context.removeFrameworkListener(listener);
        } catch (IllegalStateException e) {
            // The bundle is already stopping; its listeners go with it.
        }
    }
}
