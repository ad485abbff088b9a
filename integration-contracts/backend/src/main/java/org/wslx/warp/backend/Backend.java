package org.wslx.warp.backend;

import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A hypervisor backend. Registered as a service with {@link #SERVICE_NAME_PROPERTY}; the core picks
 * one per instance by name, subject to policy. Removing the backend's bundle must stop the machines
 * it launched (the core does this through {@link VirtualMachine#stop}).
 */
@ConsumerType
public interface Backend {
    /** Service property carrying {@link #name()}. */
    String SERVICE_NAME_PROPERTY = "warp.backend.name";

    /** Short name used in instance settings and policy, e.g. {@code qemu} or {@code kvm}. */
    String name();

    /** Whether the backend can run here, with which accelerator, and why. Cheap to call. */
    BackendStatus status();

    /** Boot methods ({@link org.wslx.warp.boot.BootMethod#name()}) this backend can perform. */
    Set<String> bootMethods();

    /**
     * Starts a machine. Returns once the machine exists and its control channel can be connected;
     * the guest may still be booting.
     *
     * @throws BackendException if the machine cannot be started; the message names the instance
     *                          and the cause (e.g. the hypervisor binary is missing)
     */
    VirtualMachine launch(MachineSpec spec) throws BackendException;
}
