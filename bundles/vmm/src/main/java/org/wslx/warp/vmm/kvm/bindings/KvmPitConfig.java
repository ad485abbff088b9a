package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.Structure;

/** {@code struct kvm_pit_config} (64 bytes). */
@Structure.FieldOrder({"flags", "pad"})
public final class KvmPitConfig extends Structure {
    public static final int SIZE = 64;
    /** The PIT's speaker port (0x61) is emulated in the kernel too; without it port 0x61 exits. */
    public static final int KVM_PIT_SPEAKER_DUMMY = 1;
    public int flags;
    public int[] pad = new int[15];
}
