package org.wslx.warp.core;

/**
 * Stops every instance when the service's JVM exits without the framework being stopped first
 * (SIGTERM from the system or a user, {@code System.exit}). The launcher does not stop the
 * framework then, and the machines are separate hypervisor processes: without this they would
 * outlive the service, running and holding their root disks.
 */
final class InstancesStopAtExit implements AutoCloseable {
    private final Thread hook;

    InstancesStopAtExit(Runnable stopAll) {
        hook = new Thread(stopAll, "warp-stop-instances-at-exit");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Withdraws the hook; the component stops its instances itself when it is deactivated. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already exiting: the hook is running or has run, which is what we want.
        }
    }
}
