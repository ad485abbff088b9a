package org.wslx.warp.vmm.kvm.bindings;

/**
 * KVM ioctl request numbers (computed from their declarations in {@code include/uapi/linux/kvm.h}), capability
 * numbers and exit reasons for x86-64.
 */
public final class KvmConstants {
    /** The ioctl type all KVM requests use. */
    public static final int KVMIO = 0xAE;
    /** The only API version KVM has ever reported since Linux 2.6.22. */
    public static final int KVM_API_VERSION = 12;

    // system ioctls (on the /dev/kvm descriptor)
    public static final long KVM_GET_API_VERSION = Ioctls.io(KVMIO, 0x00);
    public static final long KVM_CREATE_VM = Ioctls.io(KVMIO, 0x01);
    public static final long KVM_CHECK_EXTENSION = Ioctls.io(KVMIO, 0x03);
    public static final long KVM_GET_VCPU_MMAP_SIZE = Ioctls.io(KVMIO, 0x04);
    public static final long KVM_GET_SUPPORTED_CPUID = Ioctls.iowr(KVMIO, 0x05, KvmCpuid2.HEADER_SIZE);

    // VM ioctls
    public static final long KVM_CREATE_VCPU = Ioctls.io(KVMIO, 0x41);
    public static final long KVM_SET_USER_MEMORY_REGION = Ioctls.iow(KVMIO, 0x46, KvmUserspaceMemoryRegion.SIZE);
    public static final long KVM_SET_TSS_ADDR = Ioctls.io(KVMIO, 0x47);
    public static final long KVM_SET_IDENTITY_MAP_ADDR = Ioctls.iow(KVMIO, 0x48, 8);
    public static final long KVM_CREATE_IRQCHIP = Ioctls.io(KVMIO, 0x60);
    public static final long KVM_IRQ_LINE = Ioctls.iow(KVMIO, 0x61, KvmIrqLevel.SIZE);
    public static final long KVM_GET_IRQCHIP = Ioctls.iowr(KVMIO, 0x62, KvmIrqchip.SIZE);
    /** Declared {@code _IOR} in kvm.h although user space writes it: a historical mistake KVM keeps for compatibility. */
    public static final long KVM_SET_IRQCHIP = Ioctls.ior(KVMIO, 0x63, KvmIrqchip.SIZE);
    public static final long KVM_CREATE_PIT2 = Ioctls.iow(KVMIO, 0x77, KvmPitConfig.SIZE);

    // vCPU ioctls
    public static final long KVM_RUN = Ioctls.io(KVMIO, 0x80);
    public static final long KVM_GET_REGS = Ioctls.ior(KVMIO, 0x81, KvmRegs.SIZE);
    public static final long KVM_SET_REGS = Ioctls.iow(KVMIO, 0x82, KvmRegs.SIZE);
    public static final long KVM_GET_SREGS = Ioctls.ior(KVMIO, 0x83, KvmSregs.SIZE);
    public static final long KVM_SET_SREGS = Ioctls.iow(KVMIO, 0x84, KvmSregs.SIZE);
    public static final long KVM_SET_CPUID2 = Ioctls.iow(KVMIO, 0x90, KvmCpuid2.HEADER_SIZE);
    public static final long KVM_GET_CPUID2 = Ioctls.iowr(KVMIO, 0x91, KvmCpuid2.HEADER_SIZE);
    public static final long KVM_GET_FPU = Ioctls.ior(KVMIO, 0x8c, KvmFpu.SIZE);
    public static final long KVM_SET_FPU = Ioctls.iow(KVMIO, 0x8d, KvmFpu.SIZE);
    public static final long KVM_GET_XSAVE = Ioctls.ior(KVMIO, 0xa4, XsaveBuffer.KVM_XSAVE_SIZE);
    public static final long KVM_SET_XSAVE = Ioctls.iow(KVMIO, 0xa5, XsaveBuffer.KVM_XSAVE_SIZE);
    /** Like KVM_GET_XSAVE, for buffers of the size KVM_CAP_XSAVE2 reports (which may exceed 4 KiB, e.g. AMX). */
    public static final long KVM_GET_XSAVE2 = Ioctls.ior(KVMIO, 0xcf, XsaveBuffer.KVM_XSAVE_SIZE);

    // capabilities (KVM_CHECK_EXTENSION arguments)
    public static final int KVM_CAP_IRQCHIP = 0;
    public static final int KVM_CAP_HLT = 1;
    public static final int KVM_CAP_USER_MEMORY = 3;
    public static final int KVM_CAP_SET_TSS_ADDR = 4;
    public static final int KVM_CAP_EXT_CPUID = 7;
    public static final int KVM_CAP_NR_VCPUS = 9;
    public static final int KVM_CAP_NR_MEMSLOTS = 10;
    public static final int KVM_CAP_PIT2 = 33;
    public static final int KVM_CAP_XSAVE = 55;
    public static final int KVM_CAP_MAX_VCPUS = 66;
    /** Its value is the mask of KVM_SYNC_X86_* areas KVM loads from and stores to kvm_run. */
    public static final int KVM_CAP_SYNC_REGS = 74;
    public static final int KVM_CAP_IMMEDIATE_EXIT = 136;

    // kvm_run.kvm_valid_regs / kvm_dirty_regs bits (KVM_CAP_SYNC_REGS)
    public static final int KVM_SYNC_X86_REGS = 1;
    public static final int KVM_SYNC_X86_SREGS = 1 << 1;
    public static final int KVM_SYNC_X86_EVENTS = 1 << 2;
    /** Its value is the size of the XSAVE buffer KVM_GET_XSAVE2 fills (0 when only KVM_GET_XSAVE exists). */
    public static final int KVM_CAP_XSAVE2 = 208;

    // exit reasons (kvm_run.exit_reason)
    public static final int KVM_EXIT_UNKNOWN = 0;
    public static final int KVM_EXIT_EXCEPTION = 1;
    public static final int KVM_EXIT_IO = 2;
    public static final int KVM_EXIT_HYPERCALL = 3;
    public static final int KVM_EXIT_DEBUG = 4;
    public static final int KVM_EXIT_HLT = 5;
    public static final int KVM_EXIT_MMIO = 6;
    public static final int KVM_EXIT_IRQ_WINDOW_OPEN = 7;
    public static final int KVM_EXIT_SHUTDOWN = 8;
    public static final int KVM_EXIT_FAIL_ENTRY = 9;
    public static final int KVM_EXIT_INTR = 10;
    public static final int KVM_EXIT_INTERNAL_ERROR = 17;
    public static final int KVM_EXIT_SYSTEM_EVENT = 24;

    // KVM_EXIT_INTERNAL_ERROR sub-errors
    public static final int KVM_INTERNAL_ERROR_EMULATION = 1;
    public static final int KVM_INTERNAL_ERROR_SIMUL_EX = 2;
    public static final int KVM_INTERNAL_ERROR_DELIVERY_EV = 3;
    public static final int KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON = 4;

    // KVM_EXIT_SYSTEM_EVENT types
    public static final int KVM_SYSTEM_EVENT_SHUTDOWN = 1;
    public static final int KVM_SYSTEM_EVENT_RESET = 2;
    public static final int KVM_SYSTEM_EVENT_CRASH = 3;

    private KvmConstants() {
    }
}
