package org.wslx.warp.console.tccl;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * jline (3.22 and later) finds its terminal providers through the thread context class loader.
 * Inside OSGi that is the launcher's loader, which cannot see them, so the Gogo console silently
 * falls back to a dumb terminal without line editing. This bundle starts at a start level just
 * below the console's, on the framework's start-level thread; pointing that thread's context
 * loader at jline's bundle makes the console thread, which inherits it, find the real terminal.
 * An activator rather than a DS component, because only the activator is sure to run on that thread.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class JlineContextLoaderActivator implements BundleActivator {
    private static final Logger LOG = System.getLogger("org.wslx.warp.console.tccl");

    private Thread changedThread;
    private ClassLoader previousLoader;

    @Override
    public void start(BundleContext context) {
        ClassLoader jlineLoader = jlineLoader();
        if (jlineLoader == null) {
            LOG.log(Level.WARNING, "console: jline is not installed, so the console keeps its dumb terminal");
            return;
        }
        changedThread = Thread.currentThread();
        previousLoader = changedThread.getContextClassLoader();
        changedThread.setContextClassLoader(jlineLoader);
    }

    @Override
    public void stop(BundleContext context) {
        // Put the old loader back only where it was changed and nobody has changed it since.
        Thread current = Thread.currentThread();
        if (current == changedThread && current.getContextClassLoader() == jlineLoader()) {
            current.setContextClassLoader(previousLoader);
        }
        changedThread = null;
        previousLoader = null;
    }

    private static ClassLoader jlineLoader() {
        try {
            return org.jline.terminal.Terminal.class.getClassLoader();
        } catch (NoClassDefFoundError absent) {
            // The import is optional: the console works without jline, just without line editing.
            return null;
        }
    }
}
