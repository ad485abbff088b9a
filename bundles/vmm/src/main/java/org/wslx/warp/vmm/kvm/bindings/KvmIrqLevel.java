package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.Structure;

/** {@code struct kvm_irq_level} (8 bytes): the GSI and the level to set it to. */
@Structure.FieldOrder({"irq", "level"})
public final class KvmIrqLevel extends Structure {
    public static final int SIZE = 8;
    public int irq;
    public int level;
}
