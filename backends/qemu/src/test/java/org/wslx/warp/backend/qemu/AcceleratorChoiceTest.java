package org.wslx.warp.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.wslx.warp.backend.qemu.AcceleratorChoice.Facts;

class AcceleratorChoiceTest {
    @Test
    void kvmPvmFallsBackToTcgAndSaysWhy() {
        AcceleratorChoice c = AcceleratorChoice.decide(new Facts(true, true, Set.of("kvm", "kvm_pvm"), null));
        assertEquals("tcg", c.accelerator());
        assertTrue(c.usable());
        assertTrue(c.reason().contains("kvm_pvm") && c.reason().contains("cannot run an unmodified Linux kernel; using TCG"), c.reason());
    }

    @Test
    void hardwareVendorModuleMeansKvm() {
        AcceleratorChoice intel = AcceleratorChoice.decide(new Facts(true, true, Set.of("kvm", "kvm_intel"), null));
        assertEquals("kvm", intel.accelerator());
        assertTrue(intel.reason().contains("kvm_intel"));
        assertEquals("kvm", AcceleratorChoice.decide(new Facts(true, true, Set.of("kvm", "kvm_amd"), "")).accelerator());
    }

    @Test
    void missingOrClosedDeviceOrUnknownVendorMeansTcg() {
        assertEquals("/dev/kvm does not exist; using TCG.",
                AcceleratorChoice.decide(new Facts(false, false, Set.of(), null)).reason());
        AcceleratorChoice closed = AcceleratorChoice.decide(new Facts(true, false, Set.of("kvm_intel"), null));
        assertEquals("tcg", closed.accelerator());
        assertTrue(closed.reason().contains("cannot be opened"));
        AcceleratorChoice unknown = AcceleratorChoice.decide(new Facts(true, true, Set.of("kvm"), null));
        assertEquals("tcg", unknown.accelerator());
        assertTrue(unknown.reason().contains("neither kvm_intel nor kvm_amd"));
    }

    @Test
    void overrideWinsAndIsChecked() {
        AcceleratorChoice tcg = AcceleratorChoice.decide(new Facts(true, true, Set.of("kvm_intel"), "tcg"));
        assertEquals("tcg", tcg.accelerator());
        assertTrue(tcg.reason().contains("warp.qemu.accel=tcg"));
        AcceleratorChoice forcedKvm = AcceleratorChoice.decide(new Facts(true, true, Set.of("kvm_pvm"), "kvm"));
        assertEquals("kvm", forcedKvm.accelerator());
        assertTrue(forcedKvm.usable());
        AcceleratorChoice kvmWithoutDevice = AcceleratorChoice.decide(new Facts(false, false, Set.of(), "kvm"));
        assertFalse(kvmWithoutDevice.usable());
        assertTrue(kvmWithoutDevice.reason().contains("does not exist"));
        AcceleratorChoice bad = AcceleratorChoice.decide(new Facts(true, true, Set.of(), "hvf"));
        assertFalse(bad.usable());
        assertEquals("warp.qemu.accel must be 'kvm' or 'tcg', not 'hvf'.", bad.reason());
    }
}
