package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.Structure;

/** {@code struct kvm_fpu} for x86-64 (416 bytes): the x87 registers and control words, XMM0-15 and MXCSR. */
@Structure.FieldOrder({"fpr", "fcw", "fsw", "ftwx", "pad1", "last_opcode", "last_ip", "last_dp", "xmm", "mxcsr",
        "pad2"})
public final class KvmFpu extends Structure {
    public static final int SIZE = 416;
    /** ST0-7 (MM0-7), 16 bytes each of which the first 10 are used. */
    public byte[] fpr = new byte[8 * 16];
    public short fcw;
    public short fsw;
    /** The abridged tag word of FXSAVE: one bit per register, 1 = valid. */
    public byte ftwx;
    public byte pad1;
    public short last_opcode;
    public long last_ip;
    public long last_dp;
    public byte[] xmm = new byte[16 * 16];
    public int mxcsr;
    public int pad2;
}
