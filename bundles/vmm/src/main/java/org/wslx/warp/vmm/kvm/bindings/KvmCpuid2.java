package org.wslx.warp.vmm.kvm.bindings;

/**
 * {@code struct kvm_cpuid2} with its flexible array of {@code struct kvm_cpuid_entry2}, laid out by offset
 * because its length varies: a header {u32 nent; u32 padding} then {@code nent} entries of 40 bytes
 * {u32 function, index, flags, eax, ebx, ecx, edx; u32 padding[3]}.
 */
public final class KvmCpuid2 {
    public static final int HEADER_SIZE = 8;
    public static final int ENTRY_SIZE = 40;
    public static final int OFFSET_NENT = 0;
    public static final int ENTRY_FUNCTION = 0;
    public static final int ENTRY_INDEX = 4;
    public static final int ENTRY_FLAGS = 8;
    public static final int ENTRY_EAX = 12;
    public static final int ENTRY_EBX = 16;
    public static final int ENTRY_ECX = 20;
    public static final int ENTRY_EDX = 24;
    /** KVM's own limit on entries ({@code KVM_MAX_CPUID_ENTRIES}). */
    public static final int MAX_ENTRIES = 256;

    private KvmCpuid2() {
    }

    public static long sizeFor(int entries) {
        return HEADER_SIZE + (long) entries * ENTRY_SIZE;
    }
}
