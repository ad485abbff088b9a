package org.wslx.warp.vmm.kvm.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The bindings' C layouts and ioctl numbers against the values of linux/kvm.h on x86-64. */
class KvmLayoutTest {
    @Test
    void structureSizesMatchTheKernelsAndTheIoctlEncoding() {
        assertEquals(KvmUserspaceMemoryRegion.SIZE, new KvmUserspaceMemoryRegion().size());
        assertEquals(KvmRegs.SIZE, new KvmRegs().size());
        assertEquals(KvmSegment.SIZE, new KvmSegment().size());
        assertEquals(KvmDtable.SIZE, new KvmDtable().size());
        assertEquals(KvmSregs.SIZE, new KvmSregs().size());
        assertEquals(KvmIrqLevel.SIZE, new KvmIrqLevel().size());
        assertEquals(KvmPitConfig.SIZE, new KvmPitConfig().size());
        assertEquals(KvmFpu.SIZE, new KvmFpu().size());
    }

    @Test
    void sregsFieldOffsets() throws ReflectiveOperationException {
        KvmSregs s = new KvmSregs();
        assertEquals(0, offset(s, "cs"));
        assertEquals(24 * 7, offset(s, "ldt"));
        assertEquals(192, offset(s, "gdt"));
        assertEquals(208, offset(s, "idt"));
        assertEquals(224, offset(s, "cr0"));
        assertEquals(264, offset(s, "efer"));
        assertEquals(280, offset(s, "interrupt_bitmap"));
    }

    private static int offset(com.sun.jna.Structure s, String field) throws ReflectiveOperationException {
        java.lang.reflect.Method m = com.sun.jna.Structure.class.getDeclaredMethod("fieldOffset", String.class);
        m.setAccessible(true);
        return (Integer) m.invoke(s, field);
    }

    @Test
    void fpuFieldOffsets() throws ReflectiveOperationException {
        KvmFpu f = new KvmFpu();
        assertEquals(128, offset(f, "fcw"));
        assertEquals(136, offset(f, "last_ip"));
        assertEquals(152, offset(f, "xmm"));
        assertEquals(416 - 8, offset(f, "mxcsr"));
    }

    @Test
    void ioctlNumbersAreThoseOfLinuxKvmH() {
        assertEquals(0xAE00L, KvmConstants.KVM_GET_API_VERSION);
        assertEquals(0xAE01L, KvmConstants.KVM_CREATE_VM);
        assertEquals(0xAE03L, KvmConstants.KVM_CHECK_EXTENSION);
        assertEquals(0xAE04L, KvmConstants.KVM_GET_VCPU_MMAP_SIZE);
        assertEquals(0xC008AE05L, KvmConstants.KVM_GET_SUPPORTED_CPUID);
        assertEquals(0xAE41L, KvmConstants.KVM_CREATE_VCPU);
        assertEquals(0x4020AE46L, KvmConstants.KVM_SET_USER_MEMORY_REGION);
        assertEquals(0xAE47L, KvmConstants.KVM_SET_TSS_ADDR);
        assertEquals(0x4008AE48L, KvmConstants.KVM_SET_IDENTITY_MAP_ADDR);
        assertEquals(0xAE60L, KvmConstants.KVM_CREATE_IRQCHIP);
        assertEquals(0x4008AE61L, KvmConstants.KVM_IRQ_LINE);
        assertEquals(0x4040AE77L, KvmConstants.KVM_CREATE_PIT2);
        assertEquals(0xAE80L, KvmConstants.KVM_RUN);
        assertEquals(0x8090AE81L, KvmConstants.KVM_GET_REGS);
        assertEquals(0x4090AE82L, KvmConstants.KVM_SET_REGS);
        assertEquals(0x8138AE83L, KvmConstants.KVM_GET_SREGS);
        assertEquals(0x4138AE84L, KvmConstants.KVM_SET_SREGS);
        assertEquals(0x4008AE90L, KvmConstants.KVM_SET_CPUID2);
        assertEquals(0xC008AE91L, KvmConstants.KVM_GET_CPUID2);
        assertEquals(0x81A0AE8CL, KvmConstants.KVM_GET_FPU);
        assertEquals(0x41A0AE8DL, KvmConstants.KVM_SET_FPU);
        assertEquals(0x9000AEA4L, KvmConstants.KVM_GET_XSAVE);
        assertEquals(0x5000AEA5L, KvmConstants.KVM_SET_XSAVE);
        assertEquals(0x9000AECFL, KvmConstants.KVM_GET_XSAVE2);
    }

    @Test
    void kvmRunUnionOffsets() {
        assertEquals(32, KvmRunLayout.IO_DIRECTION);
        assertEquals(34, KvmRunLayout.IO_PORT);
        assertEquals(40, KvmRunLayout.IO_DATA_OFFSET);
        assertEquals(40, KvmRunLayout.MMIO_DATA);
        assertEquals(48, KvmRunLayout.MMIO_LEN);
        assertEquals(52, KvmRunLayout.MMIO_IS_WRITE);
        assertEquals(40, KvmRunLayout.INTERNAL_DATA);
    }

    @Test
    void kvmRunSyncRegisterOffsets() {
        assertEquals(288, KvmRunLayout.VALID_REGS);
        assertEquals(296, KvmRunLayout.DIRTY_REGS);
        assertEquals(304, KvmRunLayout.SYNC_REGS);
        assertEquals(448, KvmRunLayout.SYNC_SREGS);
        assertEquals(760, KvmRunLayout.SYNC_EVENTS);
        assertEquals(74, KvmConstants.KVM_CAP_SYNC_REGS);
        assertEquals(3, KvmConstants.KVM_SYNC_X86_REGS | KvmConstants.KVM_SYNC_X86_SREGS);
    }
}
