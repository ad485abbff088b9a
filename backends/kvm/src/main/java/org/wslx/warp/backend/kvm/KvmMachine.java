package org.wslx.warp.backend.kvm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.wslx.warp.backend.BackendException;
import org.wslx.warp.backend.DiskAttachment;
import org.wslx.warp.backend.MachineExit;
import org.wslx.warp.backend.MachineSpec;
import org.wslx.warp.backend.VirtualMachine;
import org.wslx.warp.backend.kvm.acpi.AcpiImage;
import org.wslx.warp.backend.kvm.device.block.FileBlockStore;
import org.wslx.warp.backend.kvm.device.block.VirtioBlock;
import org.wslx.warp.backend.kvm.device.console.VirtioConsole;
import org.wslx.warp.backend.kvm.device.power.PowerControl;
import org.wslx.warp.backend.kvm.device.power.PowerOffPort;
import org.wslx.warp.backend.kvm.device.power.ResetPort;
import org.wslx.warp.backend.kvm.device.power.SleepControlPorts;
import org.wslx.warp.backend.kvm.device.uart.Uart16550;
import org.wslx.warp.backend.kvm.device.virtio.EmptyVirtioSlot;
import org.wslx.warp.backend.kvm.device.virtio.VirtioMmioTransport;
import org.wslx.warp.boot.BootException;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.boot.EntryState;
import org.wslx.warp.boot.GuestLayout;
import org.wslx.warp.boot.MemoryLoadingBootMethod;
import org.wslx.warp.boot.MemoryRange;
import org.wslx.warp.control.ByteStream;
import org.wslx.warp.vmm.bus.MmioBus;
import org.wslx.warp.vmm.bus.PortIoBus;
import org.wslx.warp.vmm.kvm.CpuidEntry;
import org.wslx.warp.vmm.kvm.KvmSystem;
import org.wslx.warp.vmm.kvm.KvmVcpu;
import org.wslx.warp.vmm.kvm.KvmVm;
import org.wslx.warp.vmm.memory.GuestMemory;
import org.wslx.warp.vmm.memory.GuestMemoryBuilder;
import org.wslx.warp.vmm.vcpu.FinishReason;
import org.wslx.warp.vmm.vcpu.VcpuFinish;
import org.wslx.warp.vmm.vcpu.VcpuHandle;
import org.wslx.warp.vmm.vcpu.VcpuExitHandler;

/**
 * One machine on WARP's own monitor: guest memory in a memory-backed file ({@link MemoryBacking}), a KVM VM
 * with the in-kernel irqchip and PIT, ACPI tables describing it ({@link MachineAcpi}), the devices
 * on its buses, and one thread per vCPU. It ends
 * when the guest powers off or resets, a vCPU stops at an exit the monitor cannot continue from,
 * or the host stops it; every end tears everything down once.
 */
final class KvmMachine implements VirtualMachine, PowerControl {
    static final String MEMORY_FILE = "guest-memory";
    /** The launch phases {@link LaunchTimings} records, in order. */
    static final List<String> PHASES = List.of("files", "memory", "vm", "memory slots", "irqchip", "pit", "load", "devices",
            "vcpus", "running");
    private static final int TAIL_LINES = 20;
    /** Where the masked 8259s put IRQ 0-15 until the guest reprograms them: just above the exceptions, as PC kernels do. */
    static final int LEGACY_PIC_VECTORS = 0x20;

    private final MachineSpec spec;
    private final String accelerator;
    private final ConsoleLog consoleLog;
    private final VirtioConsole console;
    private final CompletableFuture<MachineExit> exit = new CompletableFuture<>();
    private final List<VcpuHandle> vcpus = new ArrayList<>();
    private final List<FileBlockStore> disks = new ArrayList<>();
    private final LaunchTimings timings;
    private KvmVm vm;
    private GuestMemory memory;
    private boolean controlHandedOut;
    private boolean ending;

    private KvmMachine(MachineSpec spec, String accelerator, ConsoleLog consoleLog, LaunchTimings timings) {
        this.spec = spec;
        this.accelerator = accelerator;
        this.consoleLog = consoleLog;
        this.timings = timings;
        this.console = new VirtioConsole("virtio console (virtio-mmio slot 0) of instance '" + spec.instanceName() + "'");
    }

    /** Builds and starts the machine; on any failure everything built so far is released. */
    static KvmMachine launch(MachineSpec spec, KvmSystem kvm, List<CpuidEntry> cpuid, String accelerator,
            MemoryLoadingBootMethod bootMethod, BootPayload payload) throws BackendException {
        LaunchTimings timings = new LaunchTimings();
        String instance = "instance '" + spec.instanceName() + "': ";
        ConsoleLog log;
        try {
            Files.createDirectories(spec.runtimeDirectory());
            log = new ConsoleLog(spec.consoleLog());
        } catch (IOException e) {
            throw new BackendException(instance + "cannot prepare the runtime directory " + spec.runtimeDirectory() + ": "
                    + e.getMessage(), e);
        }
        KvmMachine machine = new KvmMachine(spec, accelerator, log, timings);
        try {
            machine.openDisks();
        } catch (IOException e) {
            machine.end(false, "a disk could not be opened: " + e.getMessage());
            throw new BackendException(instance + e.getMessage(), e);
        }
        timings.mark("files");
        try {
            machine.build(kvm, cpuid, bootMethod, payload);
            return machine;
        } catch (BootException e) {
            machine.end(false, "the kernel could not be loaded: " + e.getMessage());
            throw new BackendException(instance + e.getMessage(), e);
        } catch (RuntimeException e) {
            machine.end(false, "the machine could not be built: " + e.getMessage());
            throw new BackendException(instance + "cannot build the machine: " + e.getMessage(), e);
        }
    }

    /** Opened before anything else is built, so a missing disk costs nothing. */
    private void openDisks() throws IOException {
        List<DiskAttachment> attached = spec.disks();
        for (int i = 0; i < attached.size(); i++) {
            DiskAttachment disk = attached.get(i);
            try {
                disks.add(FileBlockStore.open(disk.file(), disk.readOnly()));
            } catch (IOException e) {
                throw new IOException("disk " + i + " '" + disk.file() + "' cannot be opened" + (disk.readOnly() ? " for reading" : "")
                        + ": " + e, e);
            }
        }
    }

    private void build(KvmSystem kvm, List<CpuidEntry> cpuid, MemoryLoadingBootMethod bootMethod, BootPayload payload)
            throws BootException {
        GuestLayout layout = MachineLayout.of(spec.memoryMiB());
        GuestMemoryBuilder builder = MemoryBacking.choose(GuestMemory.builder().name(MEMORY_FILE), spec.runtimeDirectory());
        for (MemoryRange backed : MachineLayout.memory(spec.memoryMiB())) {
            builder.region(backed.start(), backed.size());
        }
        memory = builder.build();
        timings.mark("memory");
        vm = kvm.createVm();
        vm.setTssAddress(MachineLayout.VMX_TSS);
        timings.mark("vm");
        vm.registerMemory(memory);
        timings.mark("memory slots");
        vm.createIrqchip();
        // As firmware would: KVM's 8259s start with vector base 0 and nothing masked, and LINT0 passes them to
        // the CPU, so a device line would reach a kernel that never programs them as an exception vector.
        vm.initialiseLegacyPics(LEGACY_PIC_VECTORS, LEGACY_PIC_VECTORS + 8);
        timings.mark("irqchip");
        vm.createPit();
        timings.mark("pit");
        // Written before the kernel is loaded; the layout reserves their range, so no loader writes over them.
        AcpiImage acpi = MachineAcpi.tables(spec.cpus(), disks.size());
        memory.write(acpi.base(), ByteBuffer.wrap(acpi.bytes()));
        EntryState entry = bootMethod.load(payload, new LoadTarget(memory, layout), layout);
        timings.mark("load");

        PortIoBus ports = new PortIoBus();
        MmioBus mmio = new MmioBus();
        Uart16550 uart = new Uart16550(vm.interruptLine(Uart16550.COM1_IRQ), consoleLog);
        ports.register(Uart16550.COM1, Uart16550.PORTS, "16550 UART (COM1)", uart);
        ports.register(PowerOffPort.PORT, PowerOffPort.PORTS, "power-off port", new PowerOffPort(this));
        ports.register(ResetPort.PORT, 1, "keyboard controller reset", new ResetPort(this));
        ports.register(SleepControlPorts.PORT, SleepControlPorts.PORTS, "ACPI sleep control and status", new SleepControlPorts(
                new PowerControl() {
                    @Override
                    public void powerOff(long value) {
                        poweredOff("the guest powered itself off through ACPI (wrote 0x" + Long.toHexString(value)
                                + " to the sleep control register, port 0x" + Integer.toHexString(SleepControlPorts.PORT) + ")");
                    }

                    @Override
                    public void reset() {
                        KvmMachine.this.reset();
                    }
                }));
        mmio.register(VirtioSlots.address(VirtioSlots.CONSOLE), VirtioMmioTransport.SLOT_SIZE, "virtio-mmio slot 0 (console)",
                new VirtioMmioTransport("instance '" + spec.instanceName() + "' virtio-mmio slot 0", memory,
                        vm.interruptLine(VirtioSlots.irq(VirtioSlots.CONSOLE)), console));
        for (int i = 0; i < disks.size(); i++) {
            int slot = VirtioSlots.disk(i);
            String name = "instance '" + spec.instanceName() + "' virtio-mmio slot " + slot + " (disk " + i + ")";
            VirtioBlock block = new VirtioBlock(name, disks.get(i), "warp-disk" + i);
            mmio.register(VirtioSlots.address(slot), VirtioMmioTransport.SLOT_SIZE, "virtio-mmio slot " + slot + " (disk " + i + ")",
                    new VirtioMmioTransport(name, memory, vm.interruptLine(VirtioSlots.irq(slot)), block));
        }
        for (int slot = VirtioSlots.disk(disks.size()); slot < VirtioMmioTransport.SLOTS; slot++) {
            mmio.register(VirtioSlots.address(slot), VirtioMmioTransport.SLOT_SIZE, "virtio-mmio slot " + slot + " (empty)",
                    new EmptyVirtioSlot());
        }
        timings.mark("devices");

        List<KvmVcpu> created = new ArrayList<>();
        for (int id = 0; id < spec.cpus(); id++) {
            KvmVcpu vcpu = vm.createVcpu(id);
            vcpu.setCpuid(cpuid);
            created.add(vcpu);
        }
        KvmVcpu bootstrap = created.get(0);
        bootstrap.setSregs(EntryRegisters.sregs(bootstrap.getSregs(), entry));
        bootstrap.setRegs(EntryRegisters.regs(entry));
        timings.mark("vcpus");
        // Every handle is known before any vCPU runs: a guest may power off within microseconds, and
        // the teardown must then find all of them. Application processors wait in the in-kernel
        // irqchip for the guest's INIT/SIPI.
        synchronized (this) {
            for (KvmVcpu vcpu : created) {
                VcpuHandle handle = VcpuHandle.start(vcpu, ports, mmio, VcpuExitHandler.DEFAULT, true);
                vcpus.add(handle);
                handle.finished().thenAcceptAsync(this::vcpuFinished, KvmMachine::onTeardownThread);
            }
        }
        for (VcpuHandle handle : vcpus) {
            handle.resume();
        }
        timings.mark("running");
    }

    private static void onTeardownThread(Runnable task) {
        Thread t = new Thread(task, "warp-kvm-teardown");
        t.setDaemon(true);
        t.start();
    }

    /** The named file backing guest memory, when the runtime directory is a memory filesystem; removed when the machine ends. */
    java.util.Optional<java.nio.file.Path> memoryFile() {
        return memory == null ? java.util.Optional.empty() : memory.backingFile();
    }

    /** Where launch time went, e.g. {@code memory 0.4 ms, vm 1.2 ms, ...}. */
    LaunchTimings timings() {
        return timings;
    }

    private void vcpuFinished(VcpuFinish finish) {
        if (finish.reason() == FinishReason.STOPPED_BY_HOST) {
            return;
        }
        end(false, finish.reason() == FinishReason.SHUTDOWN
                ? "the guest shut down (a triple fault does this): " + finish.message()
                : finish.message());
    }

    @Override
    public void powerOff(long value) {
        poweredOff("the guest powered itself off (wrote 0x" + Long.toHexString(value) + " to port 0xf4)");
    }

    private void poweredOff(String how) {
        onTeardownThread(() -> end(true, how));
    }

    @Override
    public void reset() {
        onTeardownThread(() -> end(false, "the guest reset itself (a kernel panic does this)"));
    }

    /** Tears the machine down once; the first caller's reason is the one reported. */
    private void end(boolean requested, String reason) {
        List<VcpuHandle> handles;
        synchronized (this) {
            if (ending) {
                return;
            }
            ending = true;
            handles = List.copyOf(vcpus);
        }
        try {
            release(handles);
        } finally {
            String tail = consoleLog.tail(TAIL_LINES);
            consoleLog.close();
            String message = "instance '" + spec.instanceName() + "': " + reason
                    + (requested ? "." : ". Last console lines:\n" + tail);
            exit.complete(new MachineExit(requested, message));
        }
    }

    private void release(List<VcpuHandle> handles) {
        for (VcpuHandle handle : handles) {
            try {
                handle.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // A vCPU that cannot be stopped cleanly is still closed with its VM below.
            }
        }
        console.disconnect("instance '" + spec.instanceName() + "': the machine has ended");
        if (vm != null) {
            vm.close();
        }
        if (memory != null) {
            memory.close();
        }
        for (FileBlockStore disk : disks) {
            try {
                disk.close();
            } catch (IOException e) {
                // The vCPUs are gone, so no request is in flight; nothing is lost by a failed close.
            }
        }
    }

    @Override
    public String instanceName() {
        return spec.instanceName();
    }

    @Override
    public String backendName() {
        return KvmBackend.NAME;
    }

    @Override
    public String accelerator() {
        return accelerator;
    }

    @Override
    public synchronized ByteStream controlChannel() throws BackendException {
        if (controlHandedOut) {
            throw new BackendException("instance '" + spec.instanceName() + "': the control channel was already handed out");
        }
        if (ending) {
            throw new BackendException("instance '" + spec.instanceName() + "': the machine has ended, so its control channel is gone");
        }
        controlHandedOut = true;
        return console;
    }

    @Override
    public CompletionStage<MachineExit> exit() {
        return exit.copy();
    }

    /** Without an agent to ask there is nothing polite to do: the vCPUs are stopped at once. */
    @Override
    public void stop(Duration grace) {
        end(true, "stopped by the host");
        exit.join();
    }

    @Override
    public String consoleTail(int lines) {
        return consoleLog.tail(lines);
    }
}
