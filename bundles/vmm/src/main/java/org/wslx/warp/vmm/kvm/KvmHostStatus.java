package org.wslx.warp.vmm.kvm;

import java.nio.file.Path;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What {@link KvmHostProbe} found out about this host's KVM.
 *
 * @param device          the device probed (normally /dev/kvm)
 * @param deviceExists    whether the device node exists
 * @param usable          whether {@link KvmSystem#open(Path)} succeeds (opens, API version 12, capabilities present)
 * @param modules         loaded KVM modules, e.g. {@code kvm}, {@code kvm_intel}, {@code kvm_amd}, {@code kvm_pvm}
 * @param problem         why it is not usable, as a sentence; empty when usable
 */
@ProviderType
public record KvmHostStatus(Path device, boolean deviceExists, boolean usable, Set<String> modules, String problem) {
    public KvmHostStatus {
        modules = Set.copyOf(modules);
    }

    /**
     * Whether /dev/kvm is provided by {@code kvm_pvm}: KVM without hardware virtualisation, where guest CPL 3 code
     * runs natively but CPL 0 code is emulated in software and some instructions are rejected.
     */
    public boolean pvm() {
        return modules.contains("kvm_pvm");
    }

    /** Whether hardware virtualisation backs /dev/kvm (kvm_intel or kvm_amd loaded). */
    public boolean hardware() {
        return modules.contains("kvm_intel") || modules.contains("kvm_amd");
    }

    /** A one-line status, e.g. for a backend's status line. */
    public String summary() {
        if (!usable) {
            return problem;
        }
        String kind = pvm() ? "kvm_pvm (no hardware virtualisation; guest CPL 0 code is emulated)"
                : hardware() ? (modules.contains("kvm_intel") ? "kvm_intel" : "kvm_amd") + " (hardware virtualisation)"
                : "an unidentified KVM provider";
        return device + " is usable, provided by " + kind + ".";
    }
}
