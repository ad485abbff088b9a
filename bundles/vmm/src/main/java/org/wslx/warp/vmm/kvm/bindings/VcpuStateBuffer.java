package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One vCPU's reusable native buffer for the register ioctls (kvm_regs, kvm_sregs, kvm_fpu), filled and read
 * through a little-endian {@link ByteBuffer} view at the C offsets. A JNA {@code Structure} per call allocates
 * native memory and copies every field by reflection, which costs tens to hundreds of microseconds for
 * kvm_sregs with its nested segments; this costs a few plain stores. Callers hold the buffer's monitor from
 * filling it to reading the result.
 */
public final class VcpuStateBuffer implements AutoCloseable {
    /** Large enough for every structure these ioctls exchange (kvm_fpu, the largest, has 416 bytes). */
    public static final int SIZE = 512;

    private final Memory memory = new Memory(SIZE);
    private final ByteBuffer view = memory.getByteBuffer(0, SIZE).order(ByteOrder.LITTLE_ENDIAN);

    /** The buffer as bytes at their C offsets; zeroed by {@link #clear(int)}. */
    public ByteBuffer view() {
        return view;
    }

    /** Zeroes the first {@code size} bytes, so padding and unset fields go to the kernel as zero. */
    public void clear(int size) {
        memory.clear(size);
    }

    /** An ioctl whose argument is the structure in this buffer; its size is encoded in {@code request}. */
    public void ioctl(int fd, long request, String what) {
        if (((request >>> 16) & 0x3fff) > SIZE) {
            throw new IllegalArgumentException(what + " exchanges more than the " + SIZE + " bytes of a vCPU buffer");
        }
        try {
            // NATIVE: the buffer holds SIZE bytes, at least the structure size the request number encodes (checked
            // above), so the kernel never reads or writes past it; it belongs to the vCPU and outlives the call.
            LibC.ioctl(fd, request, memory);
        } catch (LastErrorException e) {
            throw new NativeException(what, e);
        }
    }

    @Override
    public void close() {
        memory.close();
    }
}
