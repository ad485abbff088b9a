package org.wslx.warp.backend.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.wslx.warp.vmm.kvm.KvmHostProbe;

/**
 * Chooses between KVM and TCG on purpose. KVM is used only when /dev/kvm is there, can be opened,
 * and is backed by hardware virtualisation (kvm_intel or kvm_amd). {@code kvm_pvm} also provides
 * /dev/kvm but runs guest kernel code in a software emulator that rejects instructions an
 * unmodified Linux kernel uses, so such a machine falls back to TCG.
 *
 * @param accelerator {@code kvm} or {@code tcg}
 * @param usable      whether QEMU can be started with it
 * @param reason      why, as a sentence
 */
record AcceleratorChoice(String accelerator, boolean usable, String reason) {
    static final String OVERRIDE_PROPERTY = "warp.qemu.accel";

    /**
     * What the choice depends on, gathered from the host or given by a test.
     *
     * @param kvmDeviceExists whether /dev/kvm exists
     * @param kvmDeviceUsable whether this process may open /dev/kvm for reading and writing
     * @param kvmModules      loaded modules whose name starts with {@code kvm}
     * @param override        the value of {@value #OVERRIDE_PROPERTY}, or null
     */
    record Facts(boolean kvmDeviceExists, boolean kvmDeviceUsable, Set<String> kvmModules, String override) {
        Facts {
            kvmModules = Set.copyOf(kvmModules);
        }

        static Facts ofHost(String override) {
            Path kvm = Path.of("/dev/kvm");
            return new Facts(Files.exists(kvm), Files.isReadable(kvm) && Files.isWritable(kvm), KvmHostProbe.loadedKvmModules(),
                    override);
        }
    }

    static AcceleratorChoice decide(Facts facts) {
        String override = facts.override() == null ? "" : facts.override().trim();
        if (override.equals("tcg")) {
            return new AcceleratorChoice("tcg", true, "TCG chosen by " + OVERRIDE_PROPERTY + "=tcg.");
        }
        if (override.equals("kvm")) {
            return facts.kvmDeviceUsable()
                    ? new AcceleratorChoice("kvm", true, "KVM chosen by " + OVERRIDE_PROPERTY + "=kvm"
                            + (isPvm(facts) ? " although kvm_pvm cannot run an unmodified Linux kernel." : "."))
                    : new AcceleratorChoice("kvm", false, OVERRIDE_PROPERTY + "=kvm asks for KVM but /dev/kvm "
                            + (facts.kvmDeviceExists() ? "cannot be opened for reading and writing." : "does not exist."));
        }
        if (!override.isEmpty()) {
            return new AcceleratorChoice("tcg", false, OVERRIDE_PROPERTY + " must be 'kvm' or 'tcg', not '" + override + "'.");
        }
        if (!facts.kvmDeviceExists()) {
            return new AcceleratorChoice("tcg", true, "/dev/kvm does not exist; using TCG.");
        }
        if (!facts.kvmDeviceUsable()) {
            return new AcceleratorChoice("tcg", true, "/dev/kvm cannot be opened for reading and writing; using TCG.");
        }
        if (isPvm(facts)) {
            return new AcceleratorChoice("tcg", true, "/dev/kvm is provided by kvm_pvm (KVM without hardware "
                    + "virtualisation, guest kernel code emulated in software), which cannot run an unmodified "
                    + "Linux kernel; using TCG.");
        }
        for (String vendor : List.of("kvm_intel", "kvm_amd")) {
            if (facts.kvmModules().contains(vendor)) {
                return new AcceleratorChoice("kvm", true, "/dev/kvm is backed by hardware virtualisation (" + vendor + "); using KVM.");
            }
        }
        return new AcceleratorChoice("tcg", true, "/dev/kvm exists but neither kvm_intel nor kvm_amd is loaded, "
                + "so hardware virtualisation cannot be confirmed; using TCG.");
    }

    private static boolean isPvm(Facts facts) {
        return facts.kvmModules().contains("kvm_pvm");
    }
}
