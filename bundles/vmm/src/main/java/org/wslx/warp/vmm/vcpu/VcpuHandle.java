package org.wslx.warp.vmm.vcpu;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.osgi.annotation.versioning.ProviderType;
import org.wslx.warp.vmm.bus.MmioBus;
import org.wslx.warp.vmm.bus.PortIoBus;
import org.wslx.warp.vmm.kvm.KvmVcpu;
import org.wslx.warp.vmm.kvm.VcpuExit;

/**
 * A vCPU on its own thread, with an explicit {@link VcpuState} machine. The thread runs the guest, gives each exit
 * to the {@link VcpuExitHandler}, then (by default) to the port-IO and MMIO buses, and finishes on halt, shutdown,
 * errors and exits it cannot handle. The host can {@link #pause()}, {@link #resume()} and {@link #stop()} it at any
 * time, also while guest code spins: the vCPU is kicked out of KVM_RUN, which takes microseconds.
 *
 * <p>Registers may be read and written through {@link #vcpu()} while the state is PAUSED or FINISHED.
 */
@ProviderType
public final class VcpuHandle implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final KvmVcpu vcpu;
    private final PortIoBus ports;
    private final MmioBus mmio;
    private final VcpuExitHandler handler;
    private final String name;
    private final Object lock = new Object();
    private final VcpuStateMachine machine;
    private final CompletableFuture<VcpuFinish> finished = new CompletableFuture<>();
    private final Thread thread;
    private boolean pauseRequested;
    private boolean stopRequested;

    private VcpuHandle(KvmVcpu vcpu, PortIoBus ports, MmioBus mmio, VcpuExitHandler handler, boolean paused) {
        this.vcpu = vcpu;
        this.ports = ports;
        this.mmio = mmio;
        this.handler = handler;
        this.name = "vCPU " + vcpu.id();
        this.machine = new VcpuStateMachine(name, paused ? VcpuState.PAUSED : VcpuState.RUNNING);
        this.pauseRequested = paused;
        this.thread = new Thread(this::loop, "warp-vcpu-" + vcpu.id());
        this.thread.setDaemon(true);
    }

    /**
     * Starts a thread for {@code vcpu}, whose registers must already be set.
     *
     * @param paused start in PAUSED (call {@link #resume()} to run) instead of RUNNING
     */
    public static VcpuHandle start(KvmVcpu vcpu, PortIoBus ports, MmioBus mmio, VcpuExitHandler handler, boolean paused) {
        VcpuHandle h = new VcpuHandle(vcpu, ports, mmio, handler == null ? VcpuExitHandler.DEFAULT : handler, paused);
        h.thread.start();
        return h;
    }

    public KvmVcpu vcpu() {
        return vcpu;
    }

    public VcpuState state() {
        synchronized (lock) {
            return machine.state();
        }
    }

    /** Completes when the vCPU finishes. */
    public CompletionStage<VcpuFinish> finished() {
        return finished;
    }

    /** The ending, once FINISHED. */
    public Optional<VcpuFinish> finish() {
        return Optional.ofNullable(finished.getNow(null));
    }

    /** Waits up to {@code timeout} for the vCPU to finish. */
    public Optional<VcpuFinish> awaitFinished(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(finished.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
            return Optional.empty();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(name + ": run loop failed", e.getCause());
        }
    }

    /**
     * Stops the guest and parks the thread; returns once it is parked (PAUSED) or has finished meanwhile.
     *
     * @throws IllegalStateException when not RUNNING
     */
    public VcpuState pause() throws InterruptedException {
        synchronized (lock) {
            requireTransition(VcpuState.PAUSED);
            pauseRequested = true;
            vcpu.kick();
            awaitLeaving(VcpuState.RUNNING);
            return machine.state();
        }
    }

    /**
     * Lets a PAUSED vCPU run again.
     *
     * @throws IllegalStateException when not PAUSED
     */
    public void resume() {
        synchronized (lock) {
            machine.moveTo(VcpuState.RUNNING);
            pauseRequested = false;
            lock.notifyAll();
        }
    }

    /**
     * Ends the vCPU thread, kicking it out of the guest; returns the ending.
     *
     * @throws IllegalStateException when already FINISHED
     */
    public VcpuFinish stop() throws InterruptedException {
        synchronized (lock) {
            requireTransition(VcpuState.FINISHED);
            stopRequested = true;
            lock.notifyAll();
            vcpu.kick();
            awaitLeaving(VcpuState.RUNNING, VcpuState.PAUSED);
        }
        thread.join(WAIT.toMillis());
        return finished.getNow(null);
    }

    /** Stops the vCPU if it has not finished and waits for its thread. Does not close the {@link KvmVcpu}. */
    @Override
    public void close() throws InterruptedException {
        if (state() != VcpuState.FINISHED) {
            try {
                stop();
            } catch (IllegalStateException e) {
                // It finished on its own in between.
            }
        }
        thread.join(WAIT.toMillis());
    }

    private void requireTransition(VcpuState to) {
        if (!VcpuStateMachine.allowed(machine.state(), to)) {
            throw new IllegalStateException(name + ": cannot go from " + machine.state() + " to " + to);
        }
    }

    private void awaitLeaving(VcpuState... states) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (Arrays.asList(states).contains(machine.state())) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(name + ": did not leave " + machine.state() + " within " + WAIT.toSeconds() + " s");
            }
            TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
    }

    private void loop() {
        VcpuFinish end;
        try {
            end = runUntilFinished();
        } catch (RuntimeException | Error e) {
            end = new VcpuFinish(FinishReason.ERROR, Optional.empty(), Optional.of(e), name + " failed: " + e);
        }
        synchronized (lock) {
            machine.moveTo(VcpuState.FINISHED);
            lock.notifyAll();
        }
        finished.complete(end);
    }

    private VcpuFinish runUntilFinished() {
        while (true) {
            synchronized (lock) {
                while (pauseRequested && !stopRequested) {
                    if (machine.state() == VcpuState.RUNNING) {
                        machine.moveTo(VcpuState.PAUSED);
                        lock.notifyAll();
                    }
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        stopRequested = true;
                    }
                }
                if (stopRequested) {
                    return new VcpuFinish(FinishReason.STOPPED_BY_HOST, Optional.empty(), Optional.empty(), name + " was stopped by the host");
                }
            }
            VcpuExit exit = vcpu.run();
            ExitAction action = handler.onExit(exit, vcpu);
            switch (action) {
                case CONTINUE:
                    continue;
                case PAUSE:
                    synchronized (lock) {
                        pauseRequested = true;
                    }
                    continue;
                case FINISH:
                    return new VcpuFinish(FinishReason.EXIT_HANDLER, Optional.of(exit), Optional.empty(),
                            name + " finished by its exit handler at " + exit);
                default:
                    VcpuFinish end = dispatch(exit);
                    if (end != null) {
                        return end;
                    }
            }
        }
    }

    /** The default handling; returns the ending for exits that end the vCPU, null to run on. */
    private VcpuFinish dispatch(VcpuExit exit) {
        if (exit instanceof VcpuExit.PortOut out) {
            for (int i = 0; i < out.count(); i++) {
                ports.write(out.port(), Arrays.copyOfRange(out.data(), i * out.size(), (i + 1) * out.size()));
            }
            return null;
        } else if (exit instanceof VcpuExit.PortIn in) {
            byte[] all = new byte[in.size() * in.count()];
            byte[] one = new byte[in.size()];
            for (int i = 0; i < in.count(); i++) {
                ports.read(in.port(), one);
                System.arraycopy(one, 0, all, i * in.size(), in.size());
            }
            vcpu.completePortIn(all);
            return null;
        } else if (exit instanceof VcpuExit.MmioWrite w) {
            mmio.write(w.address(), w.data());
            return null;
        } else if (exit instanceof VcpuExit.MmioRead r) {
            byte[] data = new byte[r.length()];
            mmio.read(r.address(), data);
            vcpu.completeMmioRead(data);
            return null;
        } else if (exit instanceof VcpuExit.Interrupted) {
            return null; // a kick: the loop looks at the requests
        } else if (exit instanceof VcpuExit.Halt) {
            return end(FinishReason.HALTED, exit, name + " halted");
        } else if (exit instanceof VcpuExit.Shutdown) {
            return end(FinishReason.SHUTDOWN, exit, name + " shut down (triple fault)");
        } else if (exit instanceof VcpuExit.SystemEvent e) {
            return end(e.type() == 1 ? FinishReason.SHUTDOWN : FinishReason.SYSTEM_EVENT, exit, name + " reported " + exit);
        } else {
            return end(FinishReason.UNSUPPORTED_EXIT, exit, name + " stopped at an exit the monitor cannot continue from: "
                    + exit + " (" + regsOrNothing() + ")");
        }
    }

    private String regsOrNothing() {
        try {
            return vcpu.getRegs().toString();
        } catch (RuntimeException e) {
            return "registers unavailable";
        }
    }

    private static VcpuFinish end(FinishReason reason, VcpuExit exit, String message) {
        return new VcpuFinish(reason, Optional.of(exit), Optional.empty(), message);
    }

    @Override
    public String toString() {
        return name + " (" + state() + ")";
    }
}
