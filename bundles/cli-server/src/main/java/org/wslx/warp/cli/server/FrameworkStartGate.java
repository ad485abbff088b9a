package org.wslx.warp.cli.server;

import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * Holds requests back until the framework has started the bundles it was asked to start. The
 * service's socket is open as soon as this bundle is active, and the launcher starts the wslx client
 * that spawned it right away; without this, the first request could find no personality, image
 * format, backend or shell command merely because their bundles have not started yet. It sits here,
 * at the service's entry, so that every kind of request (instance verbs and Gogo sessions alike)
 * waits in one place. A launcher marks its bundles for starting
 * and then raises the framework's start level, so the gate opens once the active start level has
 * reached every bundle marked for starting and every such bundle is active. If that does not
 * happen (a bundle fails to start), the first request waits its limit and the gate opens anyway.
 */
final class FrameworkStartGate implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FrameworkStartGate.class.getName());

    private final CountDownLatch ready = new CountDownLatch(1);
    private final BundleContext context;
    private final FrameworkListener frameworkListener = event -> check();
    private final BundleListener bundleListener = event -> check();

    FrameworkStartGate(BundleContext context) {
        this.context = context;
        context.addFrameworkListener(frameworkListener);
        context.addBundleListener(bundleListener);
        check();
    }

    private void check() {
        if (ready.getCount() == 0) {
            return;
        }
        try {
            Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
            int level = framework.adapt(FrameworkStartLevel.class).getStartLevel();
            if (framework.getState() != Bundle.ACTIVE) {
                return;
            }
            for (Bundle bundle : context.getBundles()) {
                if (bundle.getBundleId() == Constants.SYSTEM_BUNDLE_ID || bundle.equals(context.getBundle())
                        || bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null) {
                    continue;
                }
                BundleStartLevel startLevel = bundle.adapt(BundleStartLevel.class);
                if (startLevel != null && startLevel.isPersistentlyStarted()
                        && (startLevel.getStartLevel() > level || bundle.getState() != Bundle.ACTIVE)) {
                    return;
                }
            }
            LOG.log(Level.INFO, "every bundle marked for starting is active (framework start level {0}); serving requests",
                    level);
            ready.countDown();
        } catch (IllegalStateException e) {
            ready.countDown(); // the core is stopping: nobody should wait any longer
        }
    }

    /** Waits until the bundles have started, at most {@code seconds}; after that nobody waits again. */
    void await(long seconds) {
        try {
            if (!ready.await(seconds, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "some bundles marked for starting are still not active after {0} s; "
                        + "serving requests regardless", seconds);
                ready.countDown();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        ready.countDown();
        try {
            context.removeFrameworkListener(frameworkListener);
            context.removeBundleListener(bundleListener);
        } catch (IllegalStateException e) {
            // The bundle is already stopping; its listeners go with it.
        }
    }
}
