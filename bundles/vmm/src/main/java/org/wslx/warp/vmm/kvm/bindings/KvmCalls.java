package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Structure;
import java.util.ArrayList;
import java.util.List;

/**
 * The KVM system calls, each turning a failure into a {@link NativeException} that names the call. The safe
 * layer ({@code org.wslx.warp.vmm.kvm}) owns the descriptors and passes them in.
 */
public final class KvmCalls {
    private KvmCalls() {
    }

    /** Opens the KVM device read-write, close-on-exec. */
    public static int open(String path) {
        try {
            // NATIVE: path is copied into a temporary C string for the call; the caller owns the descriptor.
            return LibC.open(path, LibC.O_RDWR | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new NativeException("open('" + path + "')", e);
        }
    }

    /** An ioctl whose argument is an integer (or none); returns the call's non-negative result. */
    public static int ioctl(int fd, long request, long argument, String what) {
        try {
            // NATIVE: the argument is passed by value, no memory is shared with the kernel; fd is owned by the caller
            // and open for the duration of the call.
            return LibC.ioctl(fd, request, argument);
        } catch (LastErrorException e) {
            throw new NativeException(what, e);
        }
    }

    /**
     * {@code KVM_RUN}: returns normally after an exit, or returns false when the run was interrupted (EINTR, or
     * EAGAIN which some kernels report for an interrupted run).
     */
    public static boolean run(int vcpuFd) {
        try {
            // NATIVE: no argument; the kernel communicates through the kvm_run page mapped by the caller, which
            // stays mapped while the vCPU exists.
            LibC.ioctl(vcpuFd, KvmConstants.KVM_RUN, 0L);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Errno.EINTR || e.getErrorCode() == Errno.EAGAIN) {
                return false;
            }
            throw new NativeException("KVM_RUN", e);
        }
    }

    /** An ioctl whose argument is a structure: written to native memory before, read back after the call. */
    public static void ioctl(int fd, long request, Structure argument, String what) {
        argument.write();
        try {
            // NATIVE: the structure's native memory is allocated by JNA with exactly the C layout whose size is
            // encoded in the request number (checked by the bindings' layout tests); it lives as long as the
            // Java object, which the caller holds across the call.
            LibC.ioctl(fd, request, argument.getPointer());
        } catch (LastErrorException e) {
            throw new NativeException(what, e);
        }
        argument.read();
    }

    /** {@code KVM_GET_SUPPORTED_CPUID}: raw entries {function, index, flags, eax, ebx, ecx, edx}. */
    public static List<int[]> supportedCpuid(int kvmFd) {
        try (Memory buffer = new Memory(KvmCpuid2.sizeFor(KvmCpuid2.MAX_ENTRIES))) {
            buffer.clear();
            buffer.setInt(KvmCpuid2.OFFSET_NENT, KvmCpuid2.MAX_ENTRIES);
            try {
                // NATIVE: nent tells the kernel the buffer holds MAX_ENTRIES entries, and the buffer is exactly that
                // size; the kernel rewrites nent with the number it filled. The buffer outlives the call.
                LibC.ioctl(kvmFd, KvmConstants.KVM_GET_SUPPORTED_CPUID, buffer);
            } catch (LastErrorException e) {
                throw new NativeException("KVM_GET_SUPPORTED_CPUID", e);
            }
            int n = buffer.getInt(KvmCpuid2.OFFSET_NENT);
            List<int[]> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long at = KvmCpuid2.HEADER_SIZE + (long) i * KvmCpuid2.ENTRY_SIZE;
                entries.add(new int[] {buffer.getInt(at + KvmCpuid2.ENTRY_FUNCTION), buffer.getInt(at + KvmCpuid2.ENTRY_INDEX),
                        buffer.getInt(at + KvmCpuid2.ENTRY_FLAGS), buffer.getInt(at + KvmCpuid2.ENTRY_EAX),
                        buffer.getInt(at + KvmCpuid2.ENTRY_EBX), buffer.getInt(at + KvmCpuid2.ENTRY_ECX),
                        buffer.getInt(at + KvmCpuid2.ENTRY_EDX)});
            }
            return entries;
        }
    }

    /** {@code KVM_SET_CPUID2} with raw entries {function, index, flags, eax, ebx, ecx, edx}. */
    public static void setCpuid(int vcpuFd, List<int[]> entries) {
        if (entries.size() > KvmCpuid2.MAX_ENTRIES) {
            throw new IllegalArgumentException(entries.size() + " CPUID entries exceed KVM's limit of " + KvmCpuid2.MAX_ENTRIES);
        }
        try (Memory buffer = new Memory(KvmCpuid2.sizeFor(Math.max(1, entries.size())))) {
            buffer.clear();
            buffer.setInt(KvmCpuid2.OFFSET_NENT, entries.size());
            // One bulk copy instead of a native write per field: this runs for every new vCPU.
            int[] words = new int[entries.size() * KvmCpuid2.ENTRY_SIZE / 4];
            int[] offsets = {KvmCpuid2.ENTRY_FUNCTION, KvmCpuid2.ENTRY_INDEX, KvmCpuid2.ENTRY_FLAGS,
                    KvmCpuid2.ENTRY_EAX, KvmCpuid2.ENTRY_EBX, KvmCpuid2.ENTRY_ECX, KvmCpuid2.ENTRY_EDX};
            for (int i = 0; i < entries.size(); i++) {
                int[] e = entries.get(i);
                int at = i * KvmCpuid2.ENTRY_SIZE / 4;
                for (int k = 0; k < offsets.length; k++) {
                    words[at + offsets[k] / 4] = e[k];
                }
            }
            buffer.write(KvmCpuid2.HEADER_SIZE, words, 0, words.length);
            try {
                // NATIVE: the buffer holds the header plus exactly nent entries; the kernel copies them in during
                // the call and keeps no reference.
                LibC.ioctl(vcpuFd, KvmConstants.KVM_SET_CPUID2, buffer);
            } catch (LastErrorException e) {
                throw new NativeException("KVM_SET_CPUID2", e);
            }
        }
    }

    /** Maps a vCPU's shared {@code kvm_run} area ({@code size} from KVM_GET_VCPU_MMAP_SIZE). */
    public static HostMapping mapRun(int vcpuFd, int size) {
        if (size < KvmRunLayout.MIN_SIZE) {
            throw new IllegalArgumentException("vCPU mmap size " + size + " is smaller than kvm_run (" + KvmRunLayout.MIN_SIZE + ")");
        }
        return HostMapping.mapShared("kvm_run of vCPU fd " + vcpuFd, vcpuFd, 0, size);
    }

    /** Closes a KVM descriptor; errors are ignored because close releases the descriptor regardless. */
    public static void close(int fd) {
        try {
            // NATIVE: the caller owns fd and forgets it after this call.
            LibC.close(fd);
        } catch (LastErrorException e) {
            // The descriptor is released even when close reports an error.
        }
    }

}
