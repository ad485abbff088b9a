package org.wslx.warp.vmm.kvm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;
import org.wslx.warp.vmm.kvm.bindings.Errno;
import org.wslx.warp.vmm.kvm.bindings.KvmCalls;
import org.wslx.warp.vmm.kvm.bindings.KvmConstants;
import org.wslx.warp.vmm.kvm.bindings.NativeException;
import org.wslx.warp.vmm.kvm.bindings.XsaveBuffer;

/**
 * The open KVM device. {@link #open()} checks the API version and the capabilities this monitor relies on, so a
 * host that cannot run it fails here with a sentence naming /dev/kvm and the cause. VMs created from it stay
 * usable after it is closed. Thread-safe.
 */
@ProviderType
public final class KvmSystem implements AutoCloseable {
    public static final Path DEFAULT_DEVICE = Path.of("/dev/kvm");

    /** Capabilities every VM of this monitor needs, with why. */
    static final int[] REQUIRED_CAPABILITIES = {KvmConstants.KVM_CAP_USER_MEMORY, KvmConstants.KVM_CAP_IMMEDIATE_EXIT};

    private final Path device;
    private final int fd;
    private final int vcpuMmapSize;
    private final int xsaveSize;
    /** KVM_CAP_SYNC_REGS: the kvm_run register areas KVM loads at entry (0 when it has none). */
    private final int syncRegs;
    private volatile boolean closed;

    private KvmSystem(Path device, int fd, int vcpuMmapSize, int xsaveSize, int syncRegs) {
        this.device = device;
        this.fd = fd;
        this.vcpuMmapSize = vcpuMmapSize;
        this.xsaveSize = xsaveSize;
        this.syncRegs = syncRegs;
    }

    public static KvmSystem open() {
        return open(DEFAULT_DEVICE);
    }

    /**
     * Opens the KVM device and checks it.
     *
     * @throws KvmException naming the device and the cause: missing (ENOENT), not permitted (EACCES), wrong API
     *                      version, or a missing capability
     */
    public static KvmSystem open(Path device) {
        int fd;
        try {
            fd = KvmCalls.open(device.toString());
        } catch (NativeException e) {
            throw new KvmException(device + " cannot be opened: " + openAdvice(device, e.errno()), e.errno(), e);
        }
        try {
            int version = KvmCalls.ioctl(fd, KvmConstants.KVM_GET_API_VERSION, 0, "KVM_GET_API_VERSION");
            if (version != KvmConstants.KVM_API_VERSION) {
                throw new KvmException(device + " reports KVM API version " + version + "; this monitor needs "
                        + KvmConstants.KVM_API_VERSION);
            }
            for (int cap : REQUIRED_CAPABILITIES) {
                if (KvmCalls.ioctl(fd, KvmConstants.KVM_CHECK_EXTENSION, cap, "KVM_CHECK_EXTENSION") <= 0) {
                    throw new KvmException(device + " lacks the capability " + capabilityName(cap)
                            + ", which this monitor needs");
                }
            }
            int mmapSize = KvmCalls.ioctl(fd, KvmConstants.KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
            int syncRegs = KvmCalls.ioctl(fd, KvmConstants.KVM_CHECK_EXTENSION, KvmConstants.KVM_CAP_SYNC_REGS,
                    "KVM_CHECK_EXTENSION");
            return new KvmSystem(device, fd, mmapSize, xsaveSize(fd), Math.max(syncRegs, 0));
        } catch (NativeException e) {
            KvmCalls.close(fd);
            throw new KvmException(device + " is not usable: " + e.getMessage(), e.errno(), e);
        } catch (KvmException e) {
            KvmCalls.close(fd);
            throw e;
        }
    }

    /** 0 without KVM_CAP_XSAVE; else KVM_CAP_XSAVE2's size when it exceeds struct kvm_xsave, else 4096. */
    private static int xsaveSize(int fd) {
        if (KvmCalls.ioctl(fd, KvmConstants.KVM_CHECK_EXTENSION, KvmConstants.KVM_CAP_XSAVE, "KVM_CHECK_EXTENSION") <= 0) {
            return 0;
        }
        int xsave2 = KvmCalls.ioctl(fd, KvmConstants.KVM_CHECK_EXTENSION, KvmConstants.KVM_CAP_XSAVE2,
                "KVM_CHECK_EXTENSION");
        return Math.max(XsaveBuffer.KVM_XSAVE_SIZE, xsave2);
    }

    private static String openAdvice(Path device, int errno) {
        return switch (errno) {
            case Errno.ENOENT -> Errno.describe(errno) + "; the kvm module is not loaded or the device is not "
                    + "available in this container";
            case Errno.EACCES, Errno.EPERM -> Errno.describe(errno) + "; this user may not use " + device
                    + " (usually: join the 'kvm' group)";
            case Errno.ENXIO, Errno.ENODEV -> Errno.describe(errno) + "; no KVM driver is behind " + device;
            default -> Errno.describe(errno);
        };
    }

    static String capabilityName(int cap) {
        return switch (cap) {
            case KvmConstants.KVM_CAP_IRQCHIP -> "KVM_CAP_IRQCHIP";
            case KvmConstants.KVM_CAP_USER_MEMORY -> "KVM_CAP_USER_MEMORY";
            case KvmConstants.KVM_CAP_SET_TSS_ADDR -> "KVM_CAP_SET_TSS_ADDR";
            case KvmConstants.KVM_CAP_EXT_CPUID -> "KVM_CAP_EXT_CPUID";
            case KvmConstants.KVM_CAP_PIT2 -> "KVM_CAP_PIT2";
            case KvmConstants.KVM_CAP_IMMEDIATE_EXIT -> "KVM_CAP_IMMEDIATE_EXIT";
            case KvmConstants.KVM_CAP_XSAVE -> "KVM_CAP_XSAVE";
            case KvmConstants.KVM_CAP_SYNC_REGS -> "KVM_CAP_SYNC_REGS";
            default -> "capability " + cap;
        };
    }

    public Path device() {
        return device;
    }

    /** {@code KVM_CHECK_EXTENSION}: 0 when absent, otherwise a capability-specific positive value. */
    public int checkExtension(int capability) {
        return KvmCalls.ioctl(fd(), KvmConstants.KVM_CHECK_EXTENSION, capability, "KVM_CHECK_EXTENSION");
    }

    /** The size of each vCPU's shared {@code kvm_run} area. */
    public int vcpuMmapSize() {
        return vcpuMmapSize;
    }

    /** The CPUID leaves KVM can present to a guest, usually given unchanged to {@link KvmVcpu#setCpuid(List)}. */
    public List<CpuidEntry> supportedCpuid() {
        List<CpuidEntry> out = new ArrayList<>();
        for (int[] e : KvmCalls.supportedCpuid(fd())) {
            out.add(new CpuidEntry(e[0], e[1], e[2], e[3], e[4], e[5], e[6]));
        }
        return List.copyOf(out);
    }

    /** Creates an empty VM (no memory, no vCPUs). */
    public KvmVm createVm() {
        int vmFd;
        try {
            vmFd = KvmCalls.ioctl(fd(), KvmConstants.KVM_CREATE_VM, 0, "KVM_CREATE_VM");
        } catch (NativeException e) {
            throw new KvmException(device + ": cannot create a VM: " + e.getMessage(), e.errno(), e);
        }
        return new KvmVm(vmFd, vcpuMmapSize, xsaveSize, syncRegs);
    }

    private int fd() {
        if (closed) {
            throw new IllegalStateException(device + " is closed");
        }
        return fd;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            KvmCalls.close(fd);
        }
    }
}
