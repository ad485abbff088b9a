package org.wslx.warp.backend.kvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.wslx.warp.backend.Backend;
import org.wslx.warp.backend.BackendException;
import org.wslx.warp.backend.BackendStatus;
import org.wslx.warp.backend.MachineSpec;
import org.wslx.warp.backend.VirtualMachine;
import org.wslx.warp.boot.BootMethod;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.boot.MemoryLoadingBootMethod;
import org.wslx.warp.vmm.kvm.CpuidEntry;
import org.wslx.warp.vmm.kvm.KvmException;
import org.wslx.warp.vmm.kvm.KvmHostProbe;
import org.wslx.warp.vmm.kvm.KvmHostStatus;
import org.wslx.warp.vmm.kvm.KvmSystem;

/**
 * WARP's own virtual-machine monitor over /dev/kvm. Boots kernels through the boot methods that
 * load guest memory themselves ({@code elf64}, {@code linux}), looked up as services by name.
 * Framework property {@code warp.kvm.device} names the KVM device (default /dev/kvm). Removing the
 * bundle stops every machine it launched.
 */
@Component(property = Backend.SERVICE_NAME_PROPERTY + "=" + KvmBackend.NAME)
public class KvmBackend implements Backend {
    static final String NAME = "kvm";
    static final String DEVICE_PROPERTY = "warp.kvm.device";
    static final Set<String> BOOT_METHODS = Set.of("elf64", "linux");

    private final Map<String, MemoryLoadingBootMethod> bootMethods = new ConcurrentHashMap<>();
    private final Set<KvmMachine> machines = ConcurrentHashMap.newKeySet();
    private volatile Path device = KvmSystem.DEFAULT_DEVICE;
    private KvmSystem kvm;
    private List<CpuidEntry> cpuid;
    private String accelerator;

    @Activate
    void activate(BundleContext context) {
        configure(context::getProperty);
    }

    void configure(UnaryOperator<String> property) {
        String configured = property.apply(DEVICE_PROPERTY);
        device = configured == null || configured.isBlank() ? KvmSystem.DEFAULT_DEVICE : Path.of(configured.trim());
    }

    @Deactivate
    void deactivate() {
        for (KvmMachine machine : machines) {
            machine.stop(Duration.ZERO);
        }
        synchronized (this) {
            if (kvm != null) {
                kvm.close();
                kvm = null;
            }
        }
    }

    @Reference(service = MemoryLoadingBootMethod.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addBootMethod(MemoryLoadingBootMethod method) {
        bootMethods.put(method.name(), method);
    }

    void removeBootMethod(MemoryLoadingBootMethod method) {
        bootMethods.remove(method.name(), method);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BackendStatus status() {
        KvmHostStatus host = KvmHostProbe.probe(device);
        if (!host.usable()) {
            return new BackendStatus(NAME, false, "", "kvm", host.summary());
        }
        String accelerator = host.pvm() ? "kvm_pvm" : "kvm";
        String detail = host.summary();
        if (host.pvm()) {
            detail += " Guests that live in long mode and keep kernel work small (the Track B kernel, function sandboxes)"
                    + " run; a Linux kernel's code is emulated here and will not get far: use the qemu"
                    + " backend for Linux guests.";
        }
        return new BackendStatus(NAME, true, "KVM API 12", accelerator, detail);
    }

    @Override
    public Set<String> bootMethods() {
        return BOOT_METHODS;
    }

    @Override
    public VirtualMachine launch(MachineSpec spec) throws BackendException {
        String instance = "instance '" + spec.instanceName() + "': ";
        BootPayload payload = spec.payload();
        String methodName = payload.bootMethod();
        if (!BOOT_METHODS.contains(methodName)) {
            throw new BackendException(instance + "the kvm backend cannot perform boot method '" + methodName
                    + "'; it supports " + BOOT_METHODS + ".");
        }
        MemoryLoadingBootMethod method = bootMethods.get(methodName);
        if (method == null) {
            throw new BackendException(instance + "boot method '" + methodName + "' is not available: no "
                    + MemoryLoadingBootMethod.class.getSimpleName() + " service with " + BootMethod.SERVICE_NAME_PROPERTY + "="
                    + methodName + " is registered (is its bundle active?).");
        }
        if (spec.disks().size() > VirtioSlots.MAX_DISKS) {
            throw new BackendException(instance + spec.disks().size() + " disks are attached; the kvm backend has virtio-mmio slots for "
                    + VirtioSlots.MAX_DISKS + ".");
        }
        if (methodName.equals("linux")) {
            // For kernels without ACPI: the machine's ACPI tables describe the same devices (VIRTIO-MMIO-CHANNEL.md §1).
            payload = new BootPayload(methodName, payload.kernel(), payload.initrds(),
                    (payload.commandLine() + " " + VirtioSlots.linuxParameters(spec.disks().size())).strip());
        }
        KvmSystem system;
        synchronized (this) {
            openKvm(instance);
            system = kvm;
        }
        KvmMachine machine = KvmMachine.launch(spec, system, cpuid, accelerator, method, payload);
        machines.add(machine);
        machine.exit().whenComplete((e, t) -> machines.remove(machine));
        return machine;
    }

    /** Opens the device once; a VM keeps working after the device's own descriptor is closed. */
    private void openKvm(String instance) throws BackendException {
        if (kvm != null) {
            return;
        }
        try {
            kvm = KvmSystem.open(device);
            cpuid = kvm.supportedCpuid();
            accelerator = KvmHostProbe.probe(device).pvm() ? "kvm_pvm" : "kvm";
        } catch (KvmException e) {
            throw new BackendException(instance + e.getMessage(), e);
        }
    }
}
