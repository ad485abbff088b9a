package org.wslx.warp.vmm.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.wslx.warp.vmm.kvm.bindings.KvmConstants;
import org.wslx.warp.vmm.testing.KvmAssumptions;

/** The in-kernel 8259s read and programmed through KVM_GET_IRQCHIP / KVM_SET_IRQCHIP on the real /dev/kvm. */
class LegacyPicKvmTest {
    @Test
    void ioctlNumbersMatchKvmH() {
        assertEquals(0xC208AE62L, KvmConstants.KVM_GET_IRQCHIP, "_IOWR(KVMIO, 0x62, struct kvm_irqchip)");
        assertEquals(0x8208AE63L, KvmConstants.KVM_SET_IRQCHIP, "_IOR(KVMIO, 0x63, struct kvm_irqchip)");
    }

    @Test
    void kvmCreatesThe8259sUnprogrammedAndTheMonitorMasksThem() {
        KvmAssumptions.assumeKvm();
        try (KvmSystem kvm = KvmSystem.open(); KvmVm vm = kvm.createVm()) {
            vm.createIrqchip();
            PicState fresh = vm.pic(KvmVm.PIC_MASTER);
            assertEquals(0, fresh.vectorBase(), "KVM's 8259 starts with vector base 0: IRQ n would arrive as exception vector n");
            assertEquals(0, fresh.mask(), "and with nothing masked");

            vm.initialiseLegacyPics(0x20, 0x28);
            assertEquals(new PicState(0x20, 0xFF, 0, 0, true), vm.pic(KvmVm.PIC_MASTER));
            assertEquals(new PicState(0x28, 0xFF, 0, 0, true), vm.pic(KvmVm.PIC_SLAVE));

            vm.setIrqLine(4, true);
            assertEquals(0x10, vm.pic(KvmVm.PIC_MASTER).requests() & 0x10, "a raised line is requested but stays masked");
        }
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() {
        KvmAssumptions.assumeKvm();
        try (KvmSystem kvm = KvmSystem.open(); KvmVm vm = kvm.createVm()) {
            vm.createIrqchip();
            IllegalArgumentException low = assertThrows(IllegalArgumentException.class, () -> vm.initialiseLegacyPics(0x08, 0x70));
            assertEquals("8259 0: vector base 0x8 is not a multiple of 8 in [0x20, 0xf8] (vectors below 0x20 are the CPU's exceptions)",
                    low.getMessage());
            assertThrows(IllegalArgumentException.class, () -> vm.pic(2));
        }
    }

    @Test
    void withoutAnIrqchipTheErrorSaysSo() {
        KvmAssumptions.assumeKvm();
        try (KvmSystem kvm = KvmSystem.open(); KvmVm vm = kvm.createVm()) {
            KvmException e = assertThrows(KvmException.class, () -> vm.pic(KvmVm.PIC_MASTER));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("VM: cannot read 8259 0 (is there an in-kernel irqchip?)"),
                    e.getMessage());
        }
    }
}
