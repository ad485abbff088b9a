package org.wslx.warp.vmm.kvm;

import java.util.Arrays;
import org.osgi.annotation.versioning.ProviderType;

/**
 * {@code struct kvm_fpu}: the legacy FPU/SSE state (x87 registers and control words, XMM0-15, MXCSR). It does not
 * cover YMM, ZMM or other XSAVE components; {@link XsaveState} does, where the host supports it.
 *
 * @param fpr        ST0-7, 16 bytes each (128 bytes)
 * @param fcw        x87 control word (0x37f after reset)
 * @param fsw        x87 status word
 * @param ftwx       abridged x87 tag word (FXSAVE format)
 * @param lastOpcode last x87 opcode
 * @param lastIp     last x87 instruction pointer
 * @param lastDp     last x87 data pointer
 * @param xmm        XMM0-15, 16 bytes each (256 bytes)
 * @param mxcsr      SSE control and status (0x1f80 after reset); Linux's KVM ignores this field in both
 *                   directions (KVM_GET_FPU leaves it 0, KVM_SET_FPU does not load it)
 */
@ProviderType
public record FpuState(byte[] fpr, int fcw, int fsw, int ftwx, int lastOpcode, long lastIp, long lastDp, byte[] xmm,
        int mxcsr) {
    public FpuState {
        if (fpr.length != 128 || xmm.length != 256) {
            throw new IllegalArgumentException("FPU state needs 128 bytes of x87 registers and 256 of XMM registers, got "
                    + fpr.length + " and " + xmm.length);
        }
        fpr = fpr.clone();
        xmm = xmm.clone();
    }

    /** The state after RESET/INIT: empty x87 stack with all exceptions masked, SSE exceptions masked, zeros. */
    public static FpuState initial() {
        return new FpuState(new byte[128], 0x37f, 0, 0, 0, 0, 0, new byte[256], 0x1f80);
    }

    @Override
    public byte[] fpr() {
        return fpr.clone();
    }

    @Override
    public byte[] xmm() {
        return xmm.clone();
    }

    /** XMM register {@code index} (0-15). */
    public byte[] xmm(int index) {
        if (index < 0 || index > 15) {
            throw new IllegalArgumentException("XMM register " + index + " does not exist (0-15)");
        }
        return Arrays.copyOfRange(xmm, 16 * index, 16 * index + 16);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FpuState f && Arrays.equals(fpr, f.fpr) && fcw == f.fcw && fsw == f.fsw && ftwx == f.ftwx
                && lastOpcode == f.lastOpcode && lastIp == f.lastIp && lastDp == f.lastDp && Arrays.equals(xmm, f.xmm)
                && mxcsr == f.mxcsr;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(xmm) + Arrays.hashCode(fpr) + mxcsr;
    }

    @Override
    public String toString() {
        return String.format("FPU state (FCW 0x%x, FSW 0x%x, MXCSR 0x%x)", fcw, fsw, mxcsr);
    }
}
