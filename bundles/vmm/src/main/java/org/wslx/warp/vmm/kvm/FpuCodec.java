package org.wslx.warp.vmm.kvm;

import java.nio.ByteBuffer;

/**
 * Converts {@link FpuState} to and from {@code struct kvm_fpu} (416 bytes): fpr[128] at 0, fcw 128, fsw 130, ftwx
 * 132, last_opcode 134, last_ip 136, last_dp 144, xmm[256] at 152, mxcsr 408 (offsets checked against the JNA
 * mirror in the bindings' layout tests).
 */
final class FpuCodec {
    private FpuCodec() {
    }

    static FpuState decode(ByteBuffer b) {
        byte[] fpr = new byte[128];
        byte[] xmm = new byte[256];
        b.get(0, fpr);
        b.get(152, xmm);
        return new FpuState(fpr, b.getShort(128) & 0xffff, b.getShort(130) & 0xffff, b.get(132) & 0xff,
                b.getShort(134) & 0xffff, b.getLong(136), b.getLong(144), xmm, b.getInt(408));
    }

    static void encode(FpuState f, ByteBuffer b) {
        b.put(0, f.fpr()).putShort(128, (short) f.fcw()).putShort(130, (short) f.fsw()).put(132, (byte) f.ftwx())
                .putShort(134, (short) f.lastOpcode()).putLong(136, f.lastIp()).putLong(144, f.lastDp())
                .put(152, f.xmm()).putInt(408, f.mxcsr());
    }
}
