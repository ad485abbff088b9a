package org.wslx.warp.vmm.kvm;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A segment register as KVM holds it ({@code struct kvm_segment}): the selector plus the descriptor fields the
 * processor cached when it was loaded.
 *
 * @param type     descriptor type (4 bits; e.g. 0xB = execute/read accessed code, 0x3 = read/write accessed
 *                 data, 0xB with {@code s == false} = busy 64-bit TSS)
 * @param s        code/data (true) or system (false) descriptor
 * @param db       default operand size 32 bits (must be false for a 64-bit code segment)
 * @param l        64-bit code segment
 * @param g        limit in 4 KiB units
 * @param unusable the register holds no usable segment (e.g. a null selector)
 */
@ProviderType
public record Segment(long base, int limit, int selector, int type, boolean present, int dpl, boolean db,
        boolean s, boolean l, boolean g, boolean avl, boolean unusable) {
}
