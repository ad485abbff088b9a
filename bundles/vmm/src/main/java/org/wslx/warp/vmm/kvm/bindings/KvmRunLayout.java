package org.wslx.warp.vmm.kvm.bindings;

/**
 * Offsets into the {@code struct kvm_run} page the kernel shares with user space through an mmap of the vCPU
 * file descriptor ({@code include/uapi/linux/kvm.h}). Read by offset because the interesting part is a union
 * selected by {@link #EXIT_REASON}.
 */
public final class KvmRunLayout {
    public static final int REQUEST_INTERRUPT_WINDOW = 0;   // u8
    public static final int IMMEDIATE_EXIT = 1;             // u8
    public static final int EXIT_REASON = 8;                // u32
    public static final int READY_FOR_INTERRUPT_INJECTION = 12; // u8
    public static final int IF_FLAG = 13;                   // u8
    public static final int FLAGS = 14;                     // u16
    public static final int CR8 = 16;                       // u64
    public static final int APIC_BASE = 24;                 // u64
    /** Start of the exit-reason union (256 bytes). */
    public static final int UNION = 32;

    // KVM_EXIT_FAIL_ENTRY: u64 hardware_entry_failure_reason; u32 cpu
    public static final int FAIL_ENTRY_REASON = UNION;
    public static final int FAIL_ENTRY_CPU = UNION + 8;

    // KVM_EXIT_EXCEPTION: u32 exception; u32 error_code
    public static final int EXCEPTION_NUMBER = UNION;
    public static final int EXCEPTION_ERROR_CODE = UNION + 4;

    // KVM_EXIT_IO: u8 direction; u8 size; u16 port; u32 count; u64 data_offset (from the start of kvm_run)
    public static final int IO_DIRECTION = UNION;
    public static final int IO_SIZE = UNION + 1;
    public static final int IO_PORT = UNION + 2;
    public static final int IO_COUNT = UNION + 4;
    public static final int IO_DATA_OFFSET = UNION + 8;
    public static final int IO_DIRECTION_IN = 0;
    public static final int IO_DIRECTION_OUT = 1;

    // KVM_EXIT_MMIO: u64 phys_addr; u8 data[8]; u32 len; u8 is_write
    public static final int MMIO_PHYS_ADDR = UNION;
    public static final int MMIO_DATA = UNION + 8;
    public static final int MMIO_LEN = UNION + 16;
    public static final int MMIO_IS_WRITE = UNION + 20;
    public static final int MMIO_DATA_MAX = 8;

    // KVM_EXIT_INTERNAL_ERROR: u32 suberror; u32 ndata; u64 data[16]
    public static final int INTERNAL_SUBERROR = UNION;
    public static final int INTERNAL_NDATA = UNION + 4;
    public static final int INTERNAL_DATA = UNION + 8;
    public static final int INTERNAL_DATA_MAX = 16;

    // KVM_EXIT_SYSTEM_EVENT: u32 type; u32 ndata; u64 data[16] (older kernels: u64 flags in data[0])
    public static final int SYSTEM_EVENT_TYPE = UNION;
    public static final int SYSTEM_EVENT_NDATA = UNION + 4;
    public static final int SYSTEM_EVENT_DATA = UNION + 8;
    public static final int SYSTEM_EVENT_DATA_MAX = 16;

    // After the union: u64 kvm_valid_regs; u64 kvm_dirty_regs; then the synchronised registers (KVM_CAP_SYNC_REGS),
    // struct kvm_sync_regs { kvm_regs regs; kvm_sregs sregs; kvm_vcpu_events events; } in a 2048-byte union.
    /** Which sync areas KVM fills on every exit; this monitor leaves it 0 so KVM never writes them. */
    public static final int VALID_REGS = UNION + 256;
    /** Which sync areas KVM loads into the vCPU as the next KVM_RUN enters the guest; KVM clears the bits it loads. */
    public static final int DIRTY_REGS = UNION + 264;
    public static final int SYNC_REGS = UNION + 272;
    public static final int SYNC_SREGS = SYNC_REGS + KvmRegs.SIZE;
    public static final int SYNC_EVENTS = SYNC_SREGS + KvmSregs.SIZE;

    /** The smallest mapping that holds everything read here; KVM_GET_VCPU_MMAP_SIZE is larger. */
    public static final int MIN_SIZE = UNION + 256;

    private KvmRunLayout() {
    }
}
