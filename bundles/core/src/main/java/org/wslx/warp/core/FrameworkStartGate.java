package org.wslx.warp.core;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;

/**
 * Holds requests back until the launcher has started every bundle. The core starts before the
 * providers it composes from, and the CLI server may pass on a request at once; without this, the
 * service's first command can find no personality, image format or backend merely because their
 * bundles have not started yet. The bnd launcher starts bundles after the framework itself has
 * started, and says when it is done by setting {@code launcher.ready=true} on its service; a
 * framework started some other way (e.g. by a test container) is ready once it is active.
 */
final class FrameworkStartGate implements AutoCloseable {
    static final String LAUNCHER_FILTER = "(launcher.arguments=*)";
    static final String READY_FILTER = "(launcher.ready=true)";

    private final CountDownLatch ready = new CountDownLatch(1);
    private final BundleContext context;
    private final FrameworkListener frameworkListener = event -> {
        if (event.getType() == FrameworkEvent.STARTED) {
            check();
        }
    };
    private final ServiceListener serviceListener = event -> check();

    FrameworkStartGate(BundleContext context) {
        this.context = context;
        context.addFrameworkListener(frameworkListener);
        try {
            context.addServiceListener(serviceListener, "(|" + LAUNCHER_FILTER + READY_FILTER + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        check();
    }

    private void check() {
        try {
            boolean launcherDone = any(READY_FILTER);
            boolean bndLauncher = any(LAUNCHER_FILTER);
            if (launcherDone || !bndLauncher && context.getBundle(0).getState() == Bundle.ACTIVE) {
                ready.countDown();
            }
        } catch (IllegalStateException e) {
            ready.countDown(); // the bundle is stopping: nobody should wait any longer
        }
    }

    private boolean any(String filter) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(null, filter);
            return refs != null && refs.length > 0;
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until every bundle has been started, at most {@code seconds}; then carries on regardless. */
    void await(long seconds) {
        try {
            ready.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        ready.countDown();
        try {
            context.removeFrameworkListener(frameworkListener);
            context.removeServiceListener(serviceListener);
        } catch (IllegalStateException e) {
            // The bundle is already stopping; its listeners go with it.
        }
    }
}
