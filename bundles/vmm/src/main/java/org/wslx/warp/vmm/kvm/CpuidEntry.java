package org.wslx.warp.vmm.kvm;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One CPUID leaf as KVM describes it ({@code struct kvm_cpuid_entry2}).
 *
 * @param function the leaf (EAX input)
 * @param index    the sub-leaf (ECX input), meaningful when {@code flags} says the leaf is indexed
 * @param flags    {@code KVM_CPUID_FLAG_*} bits
 */
@ProviderType
public record CpuidEntry(int function, int index, int flags, int eax, int ebx, int ecx, int edx) {
    /** The leaf's output depends on ECX ({@code KVM_CPUID_FLAG_SIGNIFCANT_INDEX}). */
    public static final int FLAG_SIGNIFICANT_INDEX = 1;
}
