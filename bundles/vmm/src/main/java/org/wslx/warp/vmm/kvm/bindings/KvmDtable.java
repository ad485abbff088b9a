package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.Structure;

/** {@code struct kvm_dtable} (16 bytes). */
@Structure.FieldOrder({"base", "limit", "padding"})
public class KvmDtable extends Structure {
    public static final int SIZE = 16;
    public long base;
    public short limit;
    public short[] padding = new short[3];

    /** Embedded by value in {@link KvmSregs}. */
    public static final class ByValue extends KvmDtable implements Structure.ByValue {
    }
}
