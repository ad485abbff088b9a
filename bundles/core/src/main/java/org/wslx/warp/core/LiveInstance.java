package org.wslx.warp.core;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.wslx.warp.backend.MachineExit;
import org.wslx.warp.control.ControlException;
import org.wslx.warp.control.ExecRequest;
import org.wslx.warp.control.GuestProcess;
import org.wslx.warp.instance.InstanceException;
import org.wslx.warp.instance.InstanceState;

/**
 * The running side of one registered instance: its lifecycle, its current boot, and the count of
 * processes running in it. Concurrent callers share one boot: the first caller starts it, the
 * others wait for the same result. A machine or agent that dies turns the instance FAILED with the
 * reason; a stop goes agent first, then hypervisor, then kill.
 */
final class LiveInstance {
    private static final System.Logger LOG = System.getLogger(LiveInstance.class.getName());
    static final Duration AGENT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
    static final Duration MACHINE_STOP_GRACE = Duration.ofSeconds(5);
    private static final long MACHINE_EXIT_WAIT_SECONDS = 2;

    private final String name;
    private final InstanceLifecycle lifecycle;
    private final AtomicInteger activeProcesses = new AtomicInteger();
    private volatile Instant lastActivity = Instant.now();
    private Boot boot;
    private CompletableFuture<Boot> starting;

    LiveInstance(String name, InstanceState initial) {
        this.name = name;
        this.lifecycle = new InstanceLifecycle(name, initial);
    }

    String name() {
        return name;
    }

    InstanceState state() {
        return lifecycle.state();
    }

    String reason() {
        return lifecycle.reason();
    }

    int activeProcesses() {
        return activeProcesses.get();
    }

    Instant lastActivity() {
        return lastActivity;
    }

    synchronized Optional<Boot> currentBoot() {
        return Optional.ofNullable(boot);
    }

    /**
     * Returns the running boot, booting first if needed with {@code booter} on {@code executor}.
     */
    Boot ensureRunning(BootAction booter, Executor executor) throws InstanceException {
        CompletableFuture<Boot> pending;
        synchronized (this) {
            if (boot != null && lifecycle.state() == InstanceState.RUNNING) {
                return boot;
            }
            if (lifecycle.state() == InstanceState.STOPPING) {
                throw new InstanceException("instance '" + name + "': cannot start while it is stopping");
            }
            if (starting == null) {
                lifecycle.moveTo(InstanceState.STARTING, "booting");
                starting = CompletableFuture.supplyAsync(() -> bootOnce(booter), executor);
            }
            pending = starting;
        }
        try {
            return pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InstanceException("instance '" + name + "': interrupted while waiting for the boot", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
            if (cause instanceof InstanceException ie) {
                throw ie;
            }
            throw new InstanceException("instance '" + name + "': boot failed: " + cause, cause);
        }
    }

    /** The boot itself, run once per STARTING phase. */
    interface BootAction {
        Boot boot() throws InstanceException;
    }

    private Boot bootOnce(BootAction booter) {
        Boot made;
        try {
            made = booter.boot();
        } catch (InstanceException e) {
            synchronized (this) {
                starting = null;
                lifecycle.moveTo(InstanceState.FAILED, e.getMessage());
            }
            throw new CompletionException(e);
        }
        synchronized (this) {
            starting = null;
            if (lifecycle.state() != InstanceState.STARTING) {
                // Someone asked for a stop while we were booting: honour it.
                stopBoot(made);
                lifecycle.moveTo(InstanceState.STOPPED, "stopped while booting");
                throw new CompletionException(new InstanceException("instance '" + name + "': stopped while booting"));
            }
            boot = made;
            lifecycle.moveTo(InstanceState.RUNNING, "");
            lastActivity = Instant.now();
        }
        made.machine().exit().whenComplete((exit, error) -> onMachineGone(made, exit, error));
        made.session().closed().whenComplete((reason, error) -> onSessionClosed(made, reason));
        return made;
    }

    /** Starts a process and counts it until it ends; the idle timer runs from the last end. */
    GuestProcess exec(Boot running, ExecRequest request) throws InstanceException {
        try {
            GuestProcess process = running.session().exec(request);
            activeProcesses.incrementAndGet();
            lastActivity = Instant.now();
            process.exit().whenComplete((status, error) -> {
                activeProcesses.decrementAndGet();
                lastActivity = Instant.now();
            });
            return process;
        } catch (ControlException e) {
            throw new InstanceException("instance '" + name + "': exec of " + request.argv().get(0) + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Stops the instance if it is live: waits for a boot in progress, asks the agent to shut down,
     * then the hypervisor, then kills. Returns once the machine has gone.
     */
    void stop(String why) {
        CompletableFuture<Boot> pending;
        synchronized (this) {
            pending = starting;
        }
        if (pending != null) {
            pending.exceptionally(e -> null).join();
        }
        Boot stopping;
        synchronized (this) {
            if (!lifecycle.moveIf(InstanceState.RUNNING, InstanceState.STOPPING, why)) {
                return;
            }
            stopping = boot;
        }
        stopBoot(stopping);
        synchronized (this) {
            boot = null;
            lifecycle.moveTo(InstanceState.STOPPED, why);
        }
        LOG.log(Level.INFO, "instance ''{0}'' stopped: {1}", name, why);
    }

    private void stopBoot(Boot target) {
        if (target == null) {
            return;
        }
        try {
            if (target.session().isOpen()) {
                target.session().shutdown(AGENT_SHUTDOWN_GRACE);
            }
        } catch (ControlException e) {
            LOG.log(Level.WARNING, "instance ''{0}'': the agent did not acknowledge SHUTDOWN: {1}", name, e.getMessage());
        }
        target.machine().stop(MACHINE_STOP_GRACE);
        target.session().close();
        try {
            InstanceBooter.deleteTree(target.bootDirectory());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "instance ''{0}'': cannot remove boot directory: {1}", name, e.getMessage());
        }
    }

    private void onMachineGone(Boot gone, MachineExit exit, Throwable error) {
        synchronized (this) {
            if (boot != gone || lifecycle.state() != InstanceState.RUNNING) {
                return;
            }
            boot = null;
            String why = error != null ? "the machine could not be watched: " + error
                    : "the machine ended unexpectedly: " + exit.reason();
            lifecycle.moveTo(InstanceState.FAILED, why);
            LOG.log(Level.WARNING, "instance ''{0}'' failed: {1}", name, why);
        }
        gone.session().close();
    }

    private void onSessionClosed(Boot closed, String reason) {
        synchronized (this) {
            if (boot != closed || lifecycle.state() != InstanceState.RUNNING) {
                return;
            }
        }
        // A channel usually breaks because the whole machine went away; its exit says more.
        try {
            onMachineGone(closed, closed.machine().exit().toCompletableFuture().get(MACHINE_EXIT_WAIT_SECONDS,
                    TimeUnit.SECONDS), null);
            return;
        } catch (TimeoutException e) {
            // The machine is still there: the agent or the channel failed on its own.
        } catch (ExecutionException e) {
            onMachineGone(closed, null, e.getCause());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (boot != closed || lifecycle.state() != InstanceState.RUNNING) {
                return;
            }
            boot = null;
            String console = closed.machine().consoleTail(10);
            lifecycle.moveTo(InstanceState.FAILED, "the control plane closed: " + reason
                    + (console.isBlank() ? "" : "\n--- last console lines ---\n" + console));
            LOG.log(Level.WARNING, "instance ''{0}'' failed: control plane closed: {1}", name, reason);
        }
        closed.machine().stop(Duration.ZERO);
    }

    /** Forgets a FAILED state once the user has seen it (before a terminate or unregister). */
    synchronized void acknowledgeFailure() {
        lifecycle.moveIf(InstanceState.FAILED, InstanceState.STOPPED, "stopped after failure: " + lifecycle.reason());
    }
}
