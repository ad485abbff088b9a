package org.wslx.warp.vmm.kvm;

import java.util.ArrayList;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;
import org.wslx.warp.vmm.bus.InterruptLine;
import org.wslx.warp.vmm.kvm.bindings.KvmCalls;
import org.wslx.warp.vmm.kvm.bindings.KvmConstants;
import org.wslx.warp.vmm.kvm.bindings.KvmIrqLevel;
import org.wslx.warp.vmm.kvm.bindings.KvmIrqchip;
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
    /** The in-kernel 8259s, for {@link #pic(int)}. */
    public static final int PIC_MASTER = KvmIrqchip.PIC_MASTER;
    public static final int PIC_SLAVE = KvmIrqchip.PIC_SLAVE;
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

    /** The state of the in-kernel 8259 {@code chip} ({@link #PIC_MASTER} or {@link #PIC_SLAVE}), after {@link #createIrqchip()}. */
    public PicState pic(int chip) {
        byte[] s = getPic(chip);
        return new PicState(s[KvmIrqchip.PIC_IRQ_BASE] & 0xFF, s[KvmIrqchip.PIC_IMR] & 0xFF, s[KvmIrqchip.PIC_IRR] & 0xFF,
                s[KvmIrqchip.PIC_ISR] & 0xFF, s[KvmIrqchip.PIC_INIT_STATE] == 0 && s[KvmIrqchip.PIC_INIT4] != 0);
    }

    /**
     * Leaves both in-kernel 8259s as PC firmware hands them to an operating system: initialised (ICW1 to ICW4
     * done, 8086 mode, normal end of interrupt), input 0 at {@code masterVectorBase} and {@code slaveVectorBase},
     * and every input masked. KVM creates them uninitialised with vector base 0 and nothing masked, and resets the
     * boot processor's LINT0 to ExtINT, so without this a device line (the UART's IRQ 4, a virtio IRQ 5) reaches
     * a kernel that never touched the 8259 as vector 4 or 5, where it looks like an exception. A guest that wants
     * legacy interrupts programs the 8259s itself, as every operating system does (ICW1 restarts initialisation).
     */
    public void initialiseLegacyPics(int masterVectorBase, int slaveVectorBase) {
        initialisePic(PIC_MASTER, masterVectorBase);
        initialisePic(PIC_SLAVE, slaveVectorBase);
    }

    private void initialisePic(int chip, int vectorBase) {
        if ((vectorBase & 7) != 0 || vectorBase < 0x20 || vectorBase > 0xF8) {
            throw new IllegalArgumentException("8259 " + chip + ": vector base 0x" + Integer.toHexString(vectorBase)
                    + " is not a multiple of 8 in [0x20, 0xf8] (vectors below 0x20 are the CPU's exceptions)");
        }
        byte[] s = getPic(chip);
        s[KvmIrqchip.PIC_IRQ_BASE] = (byte) vectorBase;
        s[KvmIrqchip.PIC_IMR] = (byte) 0xFF;
        s[KvmIrqchip.PIC_INIT_STATE] = 0;
        s[KvmIrqchip.PIC_INIT4] = 1;
        s[KvmIrqchip.PIC_AUTO_EOI] = 0;
        s[KvmIrqchip.PIC_ROTATE_ON_AUTO_EOI] = 0;
        s[KvmIrqchip.PIC_SPECIAL_FULLY_NESTED_MODE] = 0;
        s[KvmIrqchip.PIC_SPECIAL_MASK] = 0;
        s[KvmIrqchip.PIC_POLL] = 0;
        s[KvmIrqchip.PIC_READ_REG_SELECT] = 0;
        try {
            KvmIrqchip.set(fd(), s);
        } catch (NativeException e) {
            throw new KvmException("VM: cannot program 8259 " + chip + ": " + e.getMessage(), e.errno(), e);
        }
    }

    private byte[] getPic(int chip) {
        if (chip != PIC_MASTER && chip != PIC_SLAVE) {
            throw new IllegalArgumentException("8259 " + chip + " does not exist: the master is 0, the slave 1");
        }
        try {
            return KvmIrqchip.get(fd(), chip);
        } catch (NativeException e) {
            throw new KvmException("VM: cannot read 8259 " + chip + " (is there an in-kernel irqchip?): " + e.getMessage(), e.errno(), e);
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
