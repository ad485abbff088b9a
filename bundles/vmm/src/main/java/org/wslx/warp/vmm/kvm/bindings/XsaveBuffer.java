package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * Native memory for one vCPU's XSAVE area in the standard (non-compacted) format KVM_GET_XSAVE and
 * KVM_SET_XSAVE exchange: the 512-byte legacy FXSAVE region, the 64-byte XSAVE header, then each extended
 * component at the offset CPUID leaf 0xD gives it. One buffer per vCPU is reused for every transfer, so
 * resetting the state on each call allocates nothing.
 */
public final class XsaveBuffer implements AutoCloseable {
    /** {@code sizeof(struct kvm_xsave)}: the size encoded in the ioctl numbers, and the minimum buffer. */
    public static final int KVM_XSAVE_SIZE = 4096;
    public static final int FCW = 0;
    public static final int MXCSR = 24;
    public static final int ST0 = 32;
    public static final int XMM0 = 160;
    public static final int XSTATE_BV = 512;
    public static final int XCOMP_BV = 520;
    /** XSTATE_BV bits of the x87 and SSE components. */
    public static final long XFEATURE_FP = 1L;
    public static final long XFEATURE_SSE = 1L << 1;

    private final int size;
    private final Memory memory;

    /** @param size KVM_CAP_XSAVE2's value when larger than {@link #KVM_XSAVE_SIZE}, else that size */
    public XsaveBuffer(int size) {
        if (size < KVM_XSAVE_SIZE) {
            throw new IllegalArgumentException("XSAVE buffer of " + size + " bytes is smaller than struct kvm_xsave ("
                    + KVM_XSAVE_SIZE + ")");
        }
        this.size = size;
        this.memory = new Memory(size);
        memory.clear();
    }

    public int size() {
        return size;
    }

    /** Fills the buffer with the vCPU's state: KVM_GET_XSAVE2 when the buffer is larger than 4 KiB. */
    public void load(int vcpuFd) {
        long request = size > KVM_XSAVE_SIZE ? KvmConstants.KVM_GET_XSAVE2 : KvmConstants.KVM_GET_XSAVE;
        try {
            // NATIVE: the buffer is `size` bytes, at least sizeof(struct kvm_xsave), and for KVM_GET_XSAVE2 exactly the
            // size KVM_CAP_XSAVE2 reported, which is the most the kernel writes; it is owned by this object, which the
            // caller holds across the call.
            LibC.ioctl(vcpuFd, request, memory);
        } catch (LastErrorException e) {
            throw new NativeException(size > KVM_XSAVE_SIZE ? "KVM_GET_XSAVE2" : "KVM_GET_XSAVE", e);
        }
    }

    /** Gives the buffer's state to the vCPU. */
    public void store(int vcpuFd) {
        try {
            // NATIVE: the kernel reads the header, then at most its own XSAVE size (the size this buffer was made for)
            // from the buffer, and keeps no reference; the buffer outlives the call.
            LibC.ioctl(vcpuFd, KvmConstants.KVM_SET_XSAVE, memory);
        } catch (LastErrorException e) {
            throw new NativeException("KVM_SET_XSAVE", e);
        }
    }

    public byte[] read() {
        return memory.getByteArray(0, size);
    }

    public void write(byte[] state) {
        if (state.length != size) {
            throw new IllegalArgumentException("XSAVE state of " + state.length + " bytes for a buffer of " + size);
        }
        memory.write(0, state, 0, size);
    }

    @Override
    public void close() {
        memory.close();
    }
}
