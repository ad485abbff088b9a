package org.wslx.warp.cli.server;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.wslx.warp.paths.WarpPaths;
import org.wslx.warp.instance.InstanceManager;

/**
 * The service's wslx endpoint at {@code <warp.runtime.dir>/service.sock}. It also ends the service
 * when it has been idle (no live instance, no client) for {@code warp.service.idleExitSeconds}.
 */
@Component(immediate = true, service = {})
public class CliEndpoint {
    private static final long MANAGER_WAIT_MS = 30_000;
    private static final long START_WAIT_SECONDS = 60;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile CommandProcessor gogo;

    private InstanceManager instances;
    private CliServer server;
    private FrameworkStartGate startGate;
    private ScheduledExecutorService idleCheck;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    synchronized void bindInstances(InstanceManager manager) {
        instances = manager;
        notifyAll();
    }

    synchronized void unbindInstances(InstanceManager manager) {
        if (instances == manager) {
            instances = null;
        }
    }

    /** The manager, waiting a while for it when a client arrives while the service is still starting. */
    private synchronized InstanceManager instances() {
        long deadline = System.currentTimeMillis() + MANAGER_WAIT_MS;
        while (instances == null && System.currentTimeMillis() < deadline) {
            try {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return instances;
    }

    @Activate
    void activate(BundleContext context) throws IOException {
        startGate = new FrameworkStartGate(context);
        server = new CliServer(WarpPaths.resolve(context::getProperty, System::getenv).serviceSocket(), this::instances,
                () -> gogo, () -> startGate.await(START_WAIT_SECONDS));
        server.start();
        long idleSeconds = idleExitSeconds(context);
        if (idleSeconds > 0) {
            Duration idle = Duration.ofSeconds(idleSeconds);
            idleCheck = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "wslx-idle-exit");
                t.setDaemon(true);
                return t;
            });
            long period = Math.max(1, Math.min(5, idleSeconds));
            idleCheck.scheduleWithFixedDelay(() -> stopWhenIdle(context, idle), period, period, TimeUnit.SECONDS);
        }
    }

    private void stopWhenIdle(BundleContext context, Duration idle) {
        InstanceManager manager;
        synchronized (this) {
            manager = instances;
        }
        boolean live = manager != null && manager.list().stream().anyMatch(i -> i.state().isLive());
        if (!live && server.idleFor(idle)) {
            idleCheck.shutdown();
            // stopping the framework deactivates this component, so it must not happen on this thread's stack
            new Thread(() -> {
                try {
                    context.getBundle(0).stop();
                } catch (BundleException | IllegalStateException e) {
                    System.err.println("wslx endpoint: the idle service could not stop: " + e.getMessage());
                }
            }, "wslx-idle-stop").start();
        }
    }

    @Deactivate
    void deactivate() throws IOException {
        if (idleCheck != null) {
            idleCheck.shutdownNow();
        }
        server.close();
        startGate.close();
    }

    private static long idleExitSeconds(BundleContext context) {
        String value = context.getProperty("warp.service.idleExitSeconds");
        if (value == null || value.isBlank()) {
            return 300;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("framework property warp.service.idleExitSeconds '" + value
                    + "' is not a whole number of seconds", e);
        }
    }
}
