package org.wslx.warp.vmm.kvm;

import java.util.ArrayList;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;
import org.wslx.warp.vmm.kvm.bindings.HostMapping;
import org.wslx.warp.vmm.kvm.bindings.KickSignal;
import org.wslx.warp.vmm.kvm.bindings.KvmCalls;
import org.wslx.warp.vmm.kvm.bindings.KvmConstants;
import org.wslx.warp.vmm.kvm.bindings.KvmFpu;
import org.wslx.warp.vmm.kvm.bindings.KvmRunLayout;
import org.wslx.warp.vmm.kvm.bindings.NativeException;
import org.wslx.warp.vmm.kvm.bindings.VcpuStateBuffer;
import org.wslx.warp.vmm.kvm.bindings.XsaveBuffer;

/**
 * One virtual CPU. {@link #run()} enters the guest on the calling thread and returns the typed reason it left.
 * {@link #kick()} may be called from any thread to make a run in progress (or the next one) return
 * {@link VcpuExit.Interrupted} promptly, even when the guest spins. Register access may come from any thread while
 * the vCPU is not running; KVM serialises vCPU calls.
 */
@ProviderType
public final class KvmVcpu implements AutoCloseable {
    private static final ThreadLocal<Long> POSIX_THREAD = ThreadLocal.withInitial(() -> {
        KickSignal signal = KickSignal.get();
        signal.unblockInCurrentThread();
        return signal.currentThread();
    });

    private final int id;
    private final int fd;
    private final HostMapping run;
    private final KickSignal kickSignal = KickSignal.get();
    private final Object runLock = new Object();
    /** The POSIX thread inside run(), or 0; guarded by runLock. */
    private long runner;
    private volatile boolean closed;
    /** Where the kernel expects the answer to the last IO-in or MMIO-read exit; -1 when none is pending. */
    private int pendingInOffset = -1;
    private int pendingInLength;
    /** XSAVE area size for this VM (0: the host has no KVM_CAP_XSAVE). */
    private final int xsaveSize;
    /** Native buffer for XSAVE transfers, made on first use; guarded by itself via xsaveLock. */
    private final Object xsaveLock = new Object();
    private XsaveBuffer xsave;
    /** Native buffer for the register structures; its monitor guards it. */
    private final VcpuStateBuffer state = new VcpuStateBuffer();
    /** The state the buffer holds right now, so loading the same state again skips the copy; guarded by xsaveLock. */
    private XsaveState xsaveHeld;
    /** Registers staged in kvm_run for the next entry, or null without KVM_CAP_SYNC_REGS; guarded by state. */
    private final EntryRegisters entry;

    KvmVcpu(int id, int fd, HostMapping run, int xsaveSize, int syncRegs) {
        this.id = id;
        this.fd = fd;
        this.run = run;
        this.xsaveSize = xsaveSize;
        this.entry = EntryRegisters.supported(syncRegs) ? new EntryRegisters(run) : null;
    }

    public int id() {
        return id;
    }

    public Regs getRegs() {
        synchronized (state) {
            loadStagedRegs();
            stateCall(KvmConstants.KVM_GET_REGS, "KVM_GET_REGS");
            return RegsCodec.decode(state.view());
        }
    }

    public void setRegs(Regs regs) {
        synchronized (state) {
            if (entry != null) {
                entry.dropRegs();
            }
            RegsCodec.encode(regs, state.view());
            stateCall(KvmConstants.KVM_SET_REGS, "KVM_SET_REGS");
        }
    }

    public Sregs getSregs() {
        synchronized (state) {
            loadStagedSregs();
            stateCall(KvmConstants.KVM_GET_SREGS, "KVM_GET_SREGS");
            return SregsCodec.decode(state.view());
        }
    }

    public void setSregs(Sregs sregs) {
        synchronized (state) {
            if (entry != null) {
                entry.dropSregs();
            }
            state.clear(SregsCodec.SIZE);
            SregsCodec.encode(sregs, state.view());
            stateCall(KvmConstants.KVM_SET_SREGS, "KVM_SET_SREGS");
        }
    }

    /**
     * Whether this host's KVM loads registers from the kvm_run area as a run enters the guest (KVM_CAP_SYNC_REGS for
     * general and segment registers), which makes {@link #setRegsOnEntry} and {@link #setSregsOnEntry} cost no
     * system call.
     */
    public boolean loadsRegistersOnEntry() {
        return entry != null;
    }

    /**
     * Sets the general registers the next {@link #run()} enters the guest with. With KVM_CAP_SYNC_REGS they travel
     * in kvm_run and KVM loads them inside that run's KVM_RUN, saving the KVM_SET_REGS system call; otherwise this is
     * {@link #setRegs}. Either way the effect is the same: a {@link #getRegs()} before the run returns them, and a
     * later {@link #setRegs} replaces them.
     */
    public void setRegsOnEntry(Regs regs) {
        synchronized (state) {
            if (entry == null) {
                setRegs(regs);
            } else {
                checkOpen();
                entry.stageRegs(regs);
            }
        }
    }

    /** Like {@link #setRegsOnEntry} for the segment, descriptor-table and control registers (KVM_SET_SREGS). */
    public void setSregsOnEntry(Sregs sregs) {
        synchronized (state) {
            if (entry == null) {
                setSregs(sregs);
            } else {
                checkOpen();
                entry.stageSregs(sregs);
            }
        }
    }

    /** Registers staged for the next entry are loaded now when someone reads them first; guarded by state. */
    private void loadStagedRegs() {
        checkOpen();
        Regs staged = entry == null ? null : entry.pendingRegs();
        if (staged != null) {
            setRegs(staged);
        }
    }

    private void loadStagedSregs() {
        checkOpen();
        Sregs staged = entry == null ? null : entry.pendingSregs();
        if (staged != null) {
            setSregs(staged);
        }
    }

    /**
     * The legacy FPU/SSE state ({@code KVM_GET_FPU}). KVM does not report MXCSR here (the field stays 0); use
     * {@link #getXsave()} to read it.
     */
    public FpuState getFpu() {
        synchronized (state) {
            stateCall(KvmConstants.KVM_GET_FPU, "KVM_GET_FPU");
            return FpuCodec.decode(state.view());
        }
    }

    /**
     * Loads the legacy FPU/SSE state ({@code KVM_SET_FPU}). KVM ignores the MXCSR field, and YMM and the other XSAVE
     * components are left as they are: to reset everything a guest can observe, use {@link #setXsave(XsaveState)}.
     */
    public void setFpu(FpuState fpu) {
        synchronized (state) {
            state.clear(KvmFpu.SIZE);
            FpuCodec.encode(fpu, state.view());
            stateCall(KvmConstants.KVM_SET_FPU, "KVM_SET_FPU");
        }
    }

    private void stateCall(long request, String name) {
        try {
            state.ioctl(fd(), request, name);
        } catch (NativeException e) {
            throw failed(e);
        }
    }

    /** Whether this host's KVM exchanges the whole XSAVE state ({@code KVM_CAP_XSAVE}); if not, only the FPU calls work. */
    public boolean supportsXsave() {
        return xsaveSize > 0;
    }

    /** The whole FPU and vector state ({@code KVM_GET_XSAVE}, or KVM_GET_XSAVE2 for areas above 4 KiB). */
    public XsaveState getXsave() {
        synchronized (xsaveLock) {
            XsaveBuffer buffer = xsaveBuffer();
            try {
                xsaveHeld = null;
                buffer.load(fd());
            } catch (NativeException e) {
                throw failed(e);
            }
            return new XsaveState(buffer.read());
        }
    }

    /**
     * Loads a whole FPU and vector state, usually one {@link #getXsave()} returned earlier ({@code KVM_SET_XSAVE}).
     * Loading the same object repeatedly costs only the system call.
     */
    public void setXsave(XsaveState state) {
        if (state.size() != xsaveSize) {
            throw new IllegalArgumentException("vCPU " + id + ": XSAVE state of " + state.size()
                    + " bytes does not fit this VM's XSAVE area of " + xsaveSize + " bytes");
        }
        synchronized (xsaveLock) {
            XsaveBuffer buffer = xsaveBuffer();
            if (xsaveHeld != state) {
                buffer.write(state.raw());
                xsaveHeld = state;
            }
            try {
                buffer.store(fd());
            } catch (NativeException e) {
                throw failed(e);
            }
        }
    }

    private XsaveBuffer xsaveBuffer() {
        checkOpen();
        if (xsaveSize == 0) {
            throw new KvmException("vCPU " + id + ": this host's KVM lacks KVM_CAP_XSAVE; only the legacy FPU state"
                    + " (getFpu/setFpu) can be exchanged");
        }
        if (xsave == null) {
            xsave = new XsaveBuffer(xsaveSize);
        }
        return xsave;
    }

    /** Sets the CPUID leaves the guest sees (usually {@link KvmSystem#supportedCpuid()}); before the first run. */
    public void setCpuid(List<CpuidEntry> entries) {
        List<int[]> raw = new ArrayList<>(entries.size());
        for (CpuidEntry e : entries) {
            raw.add(new int[] {e.function(), e.index(), e.flags(), e.eax(), e.ebx(), e.ecx(), e.edx()});
        }
        try {
            KvmCalls.setCpuid(fd(), raw);
        } catch (NativeException e) {
            throw failed(e);
        }
    }

    /**
     * Runs the guest on the calling thread until it exits to the host.
     *
     * @throws KvmException when KVM_RUN fails (e.g. EFAULT: guest memory unmapped under the VM)
     */
    public VcpuExit run() {
        long self = POSIX_THREAD.get();
        synchronized (runLock) {
            checkOpen();
            runner = self;
        }
        try {
            boolean exited;
            try {
                exited = KvmCalls.run(fd);
            } catch (NativeException e) {
                throw failed(e);
            }
            pendingInOffset = -1;
            if (!exited) {
                // Consume the kick; the caller decides what it meant.
                run.setByte(KvmRunLayout.IMMEDIATE_EXIT, (byte) 0);
                return new VcpuExit.Interrupted();
            }
            return decodeExit();
        } finally {
            synchronized (runLock) {
                runner = 0;
            }
        }
    }

    /**
     * Makes the current {@link #run()} return {@link VcpuExit.Interrupted} within microseconds, or the next one
     * return it at once when no run is in progress. Callable from any thread.
     */
    public void kick() {
        synchronized (runLock) {
            if (closed) {
                return;
            }
            // immediate_exit covers a thread about to enter KVM_RUN; the signal covers one already inside it.
            run.setByte(KvmRunLayout.IMMEDIATE_EXIT, (byte) 1);
            if (runner != 0) {
                kickSignal.send(runner);
            }
        }
    }

    /** Answers the last {@link VcpuExit.PortIn}: exactly {@code size * count} bytes, little-endian. */
    public void completePortIn(byte[] data) {
        completePending(data, "port-in");
    }

    /** Answers the last {@link VcpuExit.MmioRead}: exactly {@code length} bytes, little-endian. */
    public void completeMmioRead(byte[] data) {
        completePending(data, "MMIO read");
    }

    private void completePending(byte[] data, String what) {
        if (pendingInOffset < 0) {
            throw new IllegalStateException("vCPU " + id + ": no " + what + " exit is waiting for data");
        }
        if (data.length != pendingInLength) {
            throw new IllegalArgumentException("vCPU " + id + ": " + what + " exit expects " + pendingInLength
                    + " bytes, got " + data.length);
        }
        run.write(pendingInOffset, data, 0, data.length);
    }

    private VcpuExit decodeExit() {
        int reason = run.getInt(KvmRunLayout.EXIT_REASON);
        switch (reason) {
            case KvmConstants.KVM_EXIT_IO: {
                int direction = run.getByte(KvmRunLayout.IO_DIRECTION) & 0xFF;
                int size = run.getByte(KvmRunLayout.IO_SIZE) & 0xFF;
                int port = run.getShort(KvmRunLayout.IO_PORT) & 0xFFFF;
                int count = run.getInt(KvmRunLayout.IO_COUNT);
                long dataOffset = run.getLong(KvmRunLayout.IO_DATA_OFFSET);
                int length = size * count;
                if (direction == KvmRunLayout.IO_DIRECTION_OUT) {
                    byte[] data = new byte[length];
                    run.read(dataOffset, data, 0, length);
                    return new VcpuExit.PortOut(port, size, count, data);
                }
                pendingInOffset = (int) dataOffset;
                pendingInLength = length;
                return new VcpuExit.PortIn(port, size, count);
            }
            case KvmConstants.KVM_EXIT_MMIO: {
                long address = run.getLong(KvmRunLayout.MMIO_PHYS_ADDR);
                int length = Math.min(run.getInt(KvmRunLayout.MMIO_LEN), KvmRunLayout.MMIO_DATA_MAX);
                if (run.getByte(KvmRunLayout.MMIO_IS_WRITE) != 0) {
                    byte[] data = new byte[length];
                    run.read(KvmRunLayout.MMIO_DATA, data, 0, length);
                    return new VcpuExit.MmioWrite(address, data);
                }
                pendingInOffset = KvmRunLayout.MMIO_DATA;
                pendingInLength = length;
                return new VcpuExit.MmioRead(address, length);
            }
            case KvmConstants.KVM_EXIT_HLT:
                return new VcpuExit.Halt();
            case KvmConstants.KVM_EXIT_SHUTDOWN:
                return new VcpuExit.Shutdown();
            case KvmConstants.KVM_EXIT_FAIL_ENTRY:
                return new VcpuExit.FailEntry(run.getLong(KvmRunLayout.FAIL_ENTRY_REASON), run.getInt(KvmRunLayout.FAIL_ENTRY_CPU));
            case KvmConstants.KVM_EXIT_INTERNAL_ERROR:
                return new VcpuExit.InternalError(run.getInt(KvmRunLayout.INTERNAL_SUBERROR),
                        words(KvmRunLayout.INTERNAL_NDATA, KvmRunLayout.INTERNAL_DATA, KvmRunLayout.INTERNAL_DATA_MAX));
            case KvmConstants.KVM_EXIT_SYSTEM_EVENT:
                return new VcpuExit.SystemEvent(run.getInt(KvmRunLayout.SYSTEM_EVENT_TYPE),
                        words(KvmRunLayout.SYSTEM_EVENT_NDATA, KvmRunLayout.SYSTEM_EVENT_DATA, KvmRunLayout.SYSTEM_EVENT_DATA_MAX));
            case KvmConstants.KVM_EXIT_INTR:
                return new VcpuExit.Interrupted();
            default:
                return new VcpuExit.Unsupported(reason);
        }
    }

    private long[] words(int countOffset, int dataOffset, int max) {
        int n = Math.min(Math.max(run.getInt(countOffset), 0), max);
        long[] data = new long[n];
        for (int i = 0; i < n; i++) {
            data[i] = run.getLong(dataOffset + 8L * i);
        }
        return data;
    }

    /** A failed native call as this vCPU's exception, naming the vCPU. */
    private KvmException failed(NativeException e) {
        return new KvmException("vCPU " + id + ": " + e.getMessage(), e.errno(), e);
    }

    private int fd() {
        checkOpen();
        return fd;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("vCPU " + id + " is closed");
        }
    }

    /** Unmaps kvm_run and closes the vCPU; {@link KvmVm#close()} does this for every vCPU. */
    @Override
    public void close() {
        synchronized (runLock) {
            if (closed) {
                return;
            }
            if (runner != 0) {
                throw new IllegalStateException("vCPU " + id + " cannot be closed while a thread runs it");
            }
            closed = true;
        }
        run.close();
        KvmCalls.close(fd);
        synchronized (xsaveLock) {
            if (xsave != null) {
                xsave.close();
                xsave = null;
            }
        }
        synchronized (state) {
            state.close();
        }
    }
}
