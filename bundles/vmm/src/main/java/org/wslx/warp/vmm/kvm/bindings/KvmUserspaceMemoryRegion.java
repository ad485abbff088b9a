package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.Structure;

/** {@code struct kvm_userspace_memory_region} (32 bytes). */
@Structure.FieldOrder({"slot", "flags", "guest_phys_addr", "memory_size", "userspace_addr"})
public final class KvmUserspaceMemoryRegion extends Structure {
    public static final int SIZE = 32;
    public int slot;
    public int flags;
    public long guest_phys_addr;
    public long memory_size;
    public long userspace_addr;
}
