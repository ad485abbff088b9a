package org.wslx.warp.vmm.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Finds out whether KVM is usable here and what provides it, without throwing: for status lines and for tests
 * that skip when there is no KVM.
 */
@ProviderType
public final class KvmHostProbe {
    private KvmHostProbe() {
    }

    public static KvmHostStatus probe() {
        return probe(KvmSystem.DEFAULT_DEVICE);
    }

    public static KvmHostStatus probe(Path device) {
        Set<String> modules = loadedKvmModules();
        if (!Files.exists(device)) {
            return new KvmHostStatus(device, false, false, modules, device + " does not exist (ENOENT); the kvm module is "
                    + "not loaded or the device is not available in this container.");
        }
        try (KvmSystem kvm = KvmSystem.open(device)) {
            return new KvmHostStatus(device, true, true, modules, "");
        } catch (KvmException e) {
            return new KvmHostStatus(device, true, false, modules, e.getMessage() + ".");
        } catch (LinkageError e) {
            return new KvmHostStatus(device, true, false, modules, device + " cannot be used: the native bridge (JNA) "
                    + "does not load here: " + e.getMessage());
        }
    }

    /**
     * Modules whose name starts with {@code kvm}: /sys/module lists built-in and loaded ones, /proc/modules adds to it.
     * Reads no device, so a caller that only needs to know what provides /dev/kvm (e.g. to pick an accelerator for
     * another hypervisor) can ask without opening it.
     */
    public static Set<String> loadedKvmModules() {
        Set<String> modules = new HashSet<>();
        for (String name : List.of("kvm", "kvm_intel", "kvm_amd", "kvm_pvm")) {
            if (Files.isDirectory(Path.of("/sys/module", name))) {
                modules.add(name);
            }
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/modules"))) {
                String name = line.split(" ", 2)[0];
                if (name.startsWith("kvm")) {
                    modules.add(name);
                }
            }
        } catch (IOException | SecurityException e) {
            // /sys/module already answered; /proc/modules may be hidden in containers.
        }
        return modules;
    }
}
