package org.wslx.warp.vmm.kvm;

import java.util.ArrayList;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;
import org.wslx.warp.vmm.bus.InterruptLine;
import org.wslx.warp.vmm.kvm.bindings.KvmCalls;
import org.wslx.warp.vmm.kvm.bindings.KvmConstants;
import org.wslx.warp.vmm.kvm.bindings.KvmIrqLevel;
import org.wslx.warp.vmm.kvm.bindings.KvmPitConfig;
import org.wslx.warp.vmm.kvm.bindings.KvmUserspaceMemoryRegion;
import org.wslx.warp.vmm.kvm.bindings.NativeException;
import org.wslx.warp.vmm.memory.GuestMemory;
import org.wslx.warp.vmm.memory.GuestRegion;
import org.wslx.warp.vmm.memory.mapped.MappedGuestMemory;

/**
 * A KVM virtual machine: memory slots, the optional in-kernel interrupt controllers and timer, interrupt lines,
 * and its vCPUs. Closing it closes its vCPUs. Guest memory registered here must stay open until the VM is closed
 * (the VM does not own it). Thread-safe.
 */
@ProviderType
public final class KvmVm implements AutoCloseable {
    private final int fd;
    private final int vcpuMmapSize;
    private final int xsaveSize;
    private final int syncRegs;
    private final List<KvmVcpu> vcpus = new ArrayList<>();
    private int nextSlot;
    private boolean closed;

    KvmVm(int fd, int vcpuMmapSize, int xsaveSize, int syncRegs) {
        this.fd = fd;
        this.vcpuMmapSize = vcpuMmapSize;
        this.xsaveSize = xsaveSize;
        this.syncRegs = syncRegs;
    }

    /**
     * Gives the guest every region of {@code memory} at its guest physical address, one memory slot per region.
     *
     * @return the slot numbers used, in region order
     */
    public synchronized List<Integer> registerMemory(GuestMemory memory) {
        if (!(memory instanceof MappedGuestMemory mapped)) {
            throw new IllegalArgumentException("guest memory " + memory + " was not created by GuestMemory.builder()");
        }
        List<Integer> slots = new ArrayList<>();
        List<GuestRegion> regions = mapped.regions();
        for (int i = 0; i < regions.size(); i++) {
            GuestRegion r = regions.get(i);
            int slot = nextSlot;
            KvmUserspaceMemoryRegion region = new KvmUserspaceMemoryRegion();
            region.slot = slot;
            region.flags = 0;
            region.guest_phys_addr = r.base();
            region.memory_size = r.size();
            region.userspace_addr = mapped.hostAddress(i);
            try {
                KvmCalls.ioctl(fd(), KvmConstants.KVM_SET_USER_MEMORY_REGION, region, "KVM_SET_USER_MEMORY_REGION");
            } catch (NativeException e) {
                throw new KvmException("VM: cannot register " + memory + " region " + r + " as memory slot " + slot
                        + ": " + e.getMessage(), e.errno(), e);
            }
            nextSlot++;
            slots.add(slot);
        }
        return List.copyOf(slots);
    }

    /**
     * Sets the address of the three pages Intel VMX needs for real-mode emulation (harmless elsewhere); must be
     * outside guest memory and called before the first vCPU runs. Firecracker uses 0xfffbd000.
     */
    public void setTssAddress(long address) {
        call(KvmConstants.KVM_SET_TSS_ADDR, address, "KVM_SET_TSS_ADDR");
    }

    /** Creates the in-kernel PIC pair, IOAPIC and per-vCPU local APICs; call before creating vCPUs. */
    public void createIrqchip() {
        call(KvmConstants.KVM_CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP");
    }

    /** Creates the in-kernel i8254 timer (after {@link #createIrqchip()}), with the speaker port emulated too. */
    public void createPit() {
        KvmPitConfig config = new KvmPitConfig();
        config.flags = KvmPitConfig.KVM_PIT_SPEAKER_DUMMY;
        try {
            KvmCalls.ioctl(fd(), KvmConstants.KVM_CREATE_PIT2, config, "KVM_CREATE_PIT2");
        } catch (NativeException e) {
            throw new KvmException("VM: cannot create the in-kernel PIT: " + e.getMessage(), e.errno(), e);
        }
    }

    /** Sets an interrupt input (GSI) of the in-kernel irqchip to a level. */
    public void setIrqLine(int gsi, boolean high) {
        KvmIrqLevel level = new KvmIrqLevel();
        level.irq = gsi;
        level.level = high ? 1 : 0;
        try {
            KvmCalls.ioctl(fd(), KvmConstants.KVM_IRQ_LINE, level, "KVM_IRQ_LINE");
        } catch (NativeException e) {
            throw new KvmException("VM: cannot set interrupt line " + gsi + " " + (high ? "high" : "low") + ": "
                    + e.getMessage(), e.errno(), e);
        }
    }

    /** An {@link InterruptLine} for one GSI of the in-kernel irqchip, for device models. */
    public InterruptLine interruptLine(int gsi) {
        return new InterruptLine() {
            @Override
            public void raise() {
                setIrqLine(gsi, true);
            }

            @Override
            public void lower() {
                setIrqLine(gsi, false);
            }

            @Override
            public String toString() {
                return "KVM interrupt line " + gsi;
            }
        };
    }

    /** Creates vCPU {@code id} (its local APIC id). */
    public synchronized KvmVcpu createVcpu(int id) {
        int vcpuFd;
        try {
            vcpuFd = KvmCalls.ioctl(fd(), KvmConstants.KVM_CREATE_VCPU, id, "KVM_CREATE_VCPU");
        } catch (NativeException e) {
            throw new KvmException("VM: cannot create vCPU " + id + ": " + e.getMessage(), e.errno(), e);
        }
        KvmVcpu vcpu;
        try {
            vcpu = new KvmVcpu(id, vcpuFd, KvmCalls.mapRun(vcpuFd, vcpuMmapSize), xsaveSize, syncRegs);
        } catch (NativeException e) {
            KvmCalls.close(vcpuFd);
            throw new KvmException("VM: cannot map kvm_run of vCPU " + id + ": " + e.getMessage(), e.errno(), e);
        }
        vcpus.add(vcpu);
        return vcpu;
    }

    private void call(long request, long argument, String name) {
        try {
            KvmCalls.ioctl(fd(), request, argument, name);
        } catch (NativeException e) {
            throw new KvmException("VM: " + e.getMessage(), e.errno(), e);
        }
    }

    private synchronized int fd() {
        if (closed) {
            throw new IllegalStateException("VM is closed");
        }
        return fd;
    }

    /** Closes every vCPU, then the VM. No vCPU may be running (stop their threads first). */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            for (KvmVcpu v : vcpus) {
                v.close();
            }
            vcpus.clear();
            KvmCalls.close(fd);
        }
    }
}
