package org.wslx.warp.sandbox.kvm;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.wslx.warp.sandbox.CallLimits;
import org.wslx.warp.sandbox.CallResult;
import org.wslx.warp.sandbox.Sandbox;
import org.wslx.warp.sandbox.SandboxConfig;
import org.wslx.warp.sandbox.SandboxException;
import org.wslx.warp.sandbox.SandboxException.Kind;
import org.wslx.warp.sandbox.kvm.layout.MachineImage;
import org.wslx.warp.sandbox.kvm.layout.MemoryChunk;
import org.wslx.warp.sandbox.kvm.layout.SandboxLayout;
import org.wslx.warp.vmm.kvm.CpuidEntry;
import org.wslx.warp.vmm.kvm.KvmException;
import org.wslx.warp.vmm.kvm.KvmSystem;
import org.wslx.warp.vmm.kvm.KvmVcpu;
import org.wslx.warp.vmm.kvm.KvmVm;
import org.wslx.warp.vmm.kvm.Sregs;
import org.wslx.warp.vmm.kvm.VcpuExit;
import org.wslx.warp.vmm.memory.GuestMemory;
import org.wslx.warp.vmm.memory.MemoryUsage;

/**
 * One sandbox VM: file-backed guest memory holding the laid-out image, snapshotted right after loading,
 * and one vCPU that each call enters at CPL 3 on the caller's thread. Every call starts from the same vCPU
 * state: general and segment registers are loaded as the call enters the guest, FPU and vector state and
 * memory are reset after it (only the pages the call wrote are dropped); a fault, time-out or unexpected
 * exit discards the VM at once, since its state can no longer be trusted.
 */
final class KvmSandbox implements Sandbox {
    private static final AtomicLong IDS = new AtomicLong();
    private static final int GUEST_OUTPUT_TOO_SMALL = -2;

    private final long id = IDS.incrementAndGet();
    private final LoadedImage image;
    private final SandboxConfig config;
    private final MachineImage machine;
    private final SandboxLayout layout;
    private final GuestMemory memory;
    private final KvmVm vm;
    private final KvmVcpu vcpu;
    private final CallWatchdog watchdog;
    private final VectorStateReset vectorReset;
    /** The segment and control registers every call starts with; never handed out, since Sregs is mutable. */
    private final Sregs entrySregs;
    private final Consumer<KvmSandbox> onClose;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean usable = true;
    private volatile String discardReason;
    private boolean released; // guarded by this

    private KvmSandbox(LoadedImage image, SandboxConfig config, MachineImage machine, GuestMemory memory, KvmVm vm,
            KvmVcpu vcpu, CallWatchdog watchdog, VectorStateReset vectorReset, Sregs entrySregs,
            Consumer<KvmSandbox> onClose) {
        this.image = image;
        this.config = config;
        this.machine = machine;
        this.layout = machine.layout();
        this.memory = memory;
        this.vm = vm;
        this.vcpu = vcpu;
        this.watchdog = watchdog;
        this.vectorReset = vectorReset;
        this.entrySregs = entrySregs;
        this.onClose = onClose;
    }

    /** Creates the VM, loads the machine image, sets the vCPU up at CPL 3 and takes the snapshot. */
    static KvmSandbox create(KvmSystem kvm, List<CpuidEntry> cpuid, LoadedImage image, SandboxConfig config,
            CallWatchdog watchdog, VectorStateReset vectorReset, Consumer<KvmSandbox> onClose)
            throws SandboxException {
        MachineImage machine = image.machineFor(config);
        GuestMemory memory = null;
        KvmVm vm = null;
        try {
            memory = GuestMemory.builder().name("warp-sandbox-" + image.name()).region(0, config.memoryBytes()).build();
            for (MemoryChunk chunk : machine.chunks()) {
                memory.write(chunk.address(), chunk.bytes());
            }
            // Before the slot exists, so KVM only ever sees the copy-on-write mapping.
            memory.snapshot();
            vm = kvm.createVm();
            vm.registerMemory(memory);
            KvmVcpu vcpu = vm.createVcpu(0);
            // Hardware KVM refuses long mode and no-execute in EFER unless CPUID offers them.
            vcpu.setCpuid(cpuid);
            Sregs entrySregs = SandboxRegisters.entrySregs(machine.cpu());
            // Rejected values would only show at the first call's KVM_RUN: load them now, once.
            vcpu.setSregs(entrySregs);
            vectorReset.captureFrom(vcpu);
            return new KvmSandbox(image, config, machine, memory, vm, vcpu, watchdog, vectorReset, entrySregs,
                    onClose);
        } catch (KvmException | IllegalStateException | IllegalArgumentException e) {
            if (vm != null) {
                vm.close();
            }
            if (memory != null) {
                memory.close();
            }
            throw new SandboxException(Kind.KVM_UNAVAILABLE, "guest image '" + image.name()
                    + "': cannot create a sandbox VM: " + e.getMessage(), e);
        }
    }

    @Override
    public LoadedImage image() {
        return image;
    }

    @Override
    public SandboxConfig config() {
        return config;
    }

    @Override
    public boolean usable() {
        return usable;
    }

    long id() {
        return id;
    }

    MemoryUsage memoryUsage() {
        return memory.usage();
    }

    @Override
    public CallResult call(String function, byte[] input, CallLimits limits) throws SandboxException {
        Long address = machine.functions().get(function);
        if (address == null) {
            throw new SandboxException(Kind.UNKNOWN_FUNCTION, "guest image '" + image.name() + "' has no function '"
                    + function + "'; it has " + String.join(", ", machine.functions().keySet()));
        }
        if (input.length > layout.inputCapacity()) {
            throw new SandboxException(Kind.INPUT_TOO_LARGE, prefix(function) + input.length
                    + " bytes of input exceed the sandbox's input window of " + layout.inputCapacity() + " bytes");
        }
        lock.lock();
        try {
            if (!usable) {
                throw new SandboxException(Kind.CLOSED, "sandbox " + id + " of guest image '" + image.name() + "' "
                        + (discardReason == null ? "is closed" : "was discarded: " + discardReason));
            }
            long start = System.nanoTime();
            memory.write(layout.inputBase(), input);
            long capacity = Math.min(layout.outputCapacity(), limits.maxOutputBytes());
            // Segment registers on every call, not only at creation: a CPL 3 function can load other selectors into
            // DS, ES, FS and GS, and where CPL 3 code runs with the host's CR4.FSGSBASE (kvm_pvm) write the FS and
            // GS bases with wrfsbase/wrgsbase; the next call must not find them. Handed over in kvm_run where KVM
            // supports it, both cost no system call of their own.
            vcpu.setSregsOnEntry(entrySregs);
            vcpu.setRegsOnEntry(SandboxRegisters.callRegs(layout, machine.entry(), address, input.length, capacity));
            long timeout = limits.timeout().toNanos();
            int result;
            CallWatchdog.Watch watch = watchdog.watch(start + timeout, vcpu::kick);
            try {
                result = runUntilDone(function, start + timeout, limits.timeout());
            } finally {
                watch.cancel();
            }
            if (result < 0 || result > capacity) {
                resetForNextCall(function);
                throw resultError(function, result, capacity);
            }
            byte[] output = memory.read(layout.outputBase(), result);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            resetForNextCall(function);
            return new CallResult(function, output, elapsed);
        } finally {
            lock.unlock();
        }
    }

    private int runUntilDone(String function, long deadline, Duration timeout) throws SandboxException {
        for (;;) {
            VcpuExit exit;
            try {
                exit = vcpu.run();
            } catch (KvmException e) {
                throw discard(new SandboxException(Kind.UNEXPECTED_EXIT, prefix(function) + "the vCPU failed: "
                        + e.getMessage(), e));
            }
            if (exit instanceof VcpuExit.PortOut out && out.port() == SandboxLayout.DONE_PORT && out.size() == 4
                    && out.count() == 1) {
                return (int) out.value();
            }
            if (exit instanceof VcpuExit.PortOut out && out.port() == SandboxLayout.FAULT_PORT && out.size() == 4) {
                throw discard(GuestFault.read(prefix(function), (int) out.value(), memory, vcpu));
            }
            if (exit instanceof VcpuExit.Interrupted) {
                if (!usable) {
                    throw new SandboxException(Kind.CLOSED, prefix(function) + "the sandbox was closed during the call");
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw discard(new SandboxException(Kind.TIMEOUT, prefix(function) + "stopped at its time limit of "
                            + timeout.toMillis() + " ms"));
                }
                continue; // a late kick meant for an earlier call
            }
            throw discard(new SandboxException(Kind.UNEXPECTED_EXIT, prefix(function)
                    + "the guest left the sandbox protocol: " + exit));
        }
    }

    /** Memory back to the snapshot, FPU and vector registers to power-on; the other registers are set per call. */
    private void resetForNextCall(String function) throws SandboxException {
        memory.resetToSnapshot();
        try {
            vectorReset.reset(vcpu);
        } catch (KvmException e) {
            throw discard(new SandboxException(Kind.UNEXPECTED_EXIT, prefix(function)
                    + "cannot reset the vCPU's vector registers: " + e.getMessage(), e));
        }
    }

    private SandboxException resultError(String function, int result, long capacity) {
        if (result == GUEST_OUTPUT_TOO_SMALL || result > capacity) {
            return new SandboxException(Kind.OUTPUT_TOO_LARGE, prefix(function) + "needs more than the output limit of "
                    + capacity + " bytes" + (result > capacity ? " (it returned " + result + ")" : ""));
        }
        return new SandboxException(Kind.GUEST_ERROR, prefix(function) + "returned error " + result,
                SandboxException.NO_VECTOR, 0, 0, result, null);
    }

    private String prefix(String function) {
        return "guest image '" + image.name() + "', function '" + function + "': ";
    }

    private SandboxException discard(SandboxException reason) {
        discardReason = reason.getMessage();
        release();
        return reason;
    }

    /** Kicks a running call, waits for it to end, and frees the VM and its memory. Idempotent. */
    @Override
    public void close() {
        usable = false;
        vcpu.kick();
        lock.lock();
        try {
            release();
        } finally {
            lock.unlock();
        }
    }

    private void release() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        usable = false;
        vm.close();
        memory.close();
        onClose.accept(this);
    }

    @Override
    public String toString() {
        return "sandbox " + id + " (" + image.name() + ")";
    }
}
