package org.wslx.warp.vmm.kvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.osgi.annotation.versioning.ProviderType;
import org.wslx.warp.vmm.kvm.bindings.XsaveBuffer;

/**
 * A vCPU's whole user-visible FPU and vector state as KVM exchanges it (KVM_GET_XSAVE / KVM_SET_XSAVE, standard
 * XSAVE format): x87, MXCSR, XMM, and every extended component the host gives guests (YMM upper halves, AVX-512
 * ZMM and mask registers, PKRU...). Immutable; accessors decode the fixed legacy region and header.
 */
@ProviderType
public final class XsaveState {
    private final byte[] bytes;

    XsaveState(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The size of the XSAVE area, at least 4096 bytes. */
    public int size() {
        return bytes.length;
    }

    /** A copy of the raw XSAVE area. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The x87 control word (0x37f after reset). */
    public int fcw() {
        return le().getShort(XsaveBuffer.FCW) & 0xffff;
    }

    /** The SSE control and status register (0x1f80 after reset). */
    public int mxcsr() {
        return le().getInt(XsaveBuffer.MXCSR);
    }

    /** Which components hold state of their own; a clear bit means that component is in its initial state. */
    public long xstateBv() {
        return le().getLong(XsaveBuffer.XSTATE_BV);
    }

    /** XMM register {@code index} (0-15), 16 bytes little-endian. */
    public byte[] xmm(int index) {
        if (index < 0 || index > 15) {
            throw new IllegalArgumentException("XMM register " + index + " does not exist (0-15)");
        }
        return Arrays.copyOfRange(bytes, XsaveBuffer.XMM0 + 16 * index, XsaveBuffer.XMM0 + 16 * index + 16);
    }

    /**
     * This state with the x87 and SSE components marked present, so that loading it writes their values (FCW, MXCSR,
     * XMM registers) explicitly. A state read from a fresh vCPU marks nothing present, which leaves MXCSR, the one
     * register XSAVE has no "initial" flag for, to how the kernel and the CPU treat an absent SSE component. Components
     * whose bit stays clear (YMM, ZMM, mask registers...) load in their initial state: zero.
     */
    public XsaveState withLegacyComponentsPresent() {
        byte[] copy = bytes.clone();
        ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(XsaveBuffer.XSTATE_BV, b.getLong(XsaveBuffer.XSTATE_BV) | XsaveBuffer.XFEATURE_FP
                | XsaveBuffer.XFEATURE_SSE);
        return new XsaveState(copy);
    }

    byte[] raw() {
        return bytes;
    }

    private ByteBuffer le() {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public String toString() {
        return String.format("XSAVE state (%d bytes, XSTATE_BV 0x%x, FCW 0x%x, MXCSR 0x%x)", bytes.length, xstateBv(),
                fcw(), mxcsr());
    }
}
