package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.Structure;

/** {@code struct kvm_segment} (24 bytes). */
@Structure.FieldOrder({"base", "limit", "selector", "type", "present", "dpl", "db", "s", "l", "g", "avl",
        "unusable", "padding"})
public class KvmSegment extends Structure {
    public static final int SIZE = 24;
    public long base;
    public int limit;
    public short selector;
    public byte type, present, dpl, db, s, l, g, avl, unusable, padding;

    /** Embedded by value in {@link KvmSregs}. */
    public static final class ByValue extends KvmSegment implements Structure.ByValue {
    }
}
