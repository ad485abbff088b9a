package org.wslx.warp.vmm.kvm;

import java.util.Arrays;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Why {@link KvmVcpu#run()} returned. Every exit reason KVM reports maps to one case; reasons this monitor does
 * not model become {@link Unsupported} with the raw number, never an exception.
 */
@ProviderType
public sealed interface VcpuExit {

    /**
     * The guest wrote to an IO port ({@code out}, {@code outs}).
     *
     * @param size  bytes per access: 1, 2 or 4
     * @param count accesses (more than 1 for {@code rep outs})
     * @param data  {@code size * count} bytes, little-endian
     */
    record PortOut(int port, int size, int count, byte[] data) implements VcpuExit {
        /** The value of a single access, zero-extended. */
        public long value() {
            long v = 0;
            for (int i = Math.min(size, data.length) - 1; i >= 0; i--) {
                v = (v << 8) | (data[i] & 0xFF);
            }
            return v;
        }

        @Override
        public String toString() {
            return "PortOut[port=0x" + Integer.toHexString(port) + ", size=" + size + ", count=" + count + ", data="
                    + Arrays.toString(data) + "]";
        }
    }

    /**
     * The guest reads an IO port ({@code in}, {@code ins}). Answer with {@link KvmVcpu#completePortIn(byte[])}
     * ({@code size * count} bytes) before the next run, or the guest reads whatever the buffer held.
     */
    record PortIn(int port, int size, int count) implements VcpuExit {
        @Override
        public String toString() {
            return "PortIn[port=0x" + Integer.toHexString(port) + ", size=" + size + ", count=" + count + "]";
        }
    }

    /** The guest wrote {@code data.length} (1 to 8) bytes to an address no memory region covers. */
    record MmioWrite(long address, byte[] data) implements VcpuExit {
        public long value() {
            long v = 0;
            for (int i = data.length - 1; i >= 0; i--) {
                v = (v << 8) | (data[i] & 0xFF);
            }
            return v;
        }

        @Override
        public String toString() {
            return "MmioWrite[address=0x" + Long.toHexString(address) + ", data=" + Arrays.toString(data) + "]";
        }
    }

    /** The guest reads {@code length} bytes at an unbacked address; answer with {@link KvmVcpu#completeMmioRead(byte[])}. */
    record MmioRead(long address, int length) implements VcpuExit {
        @Override
        public String toString() {
            return "MmioRead[address=0x" + Long.toHexString(address) + ", length=" + length + "]";
        }
    }

    /** The guest executed {@code hlt} (only without an in-kernel irqchip; with one, KVM waits for an interrupt). */
    record Halt() implements VcpuExit {
    }

    /** The guest triple-faulted or otherwise asked for a shutdown; the vCPU cannot continue. */
    record Shutdown() implements VcpuExit {
    }

    /**
     * KVM could not handle something, e.g. an instruction its emulator rejects.
     *
     * @param suberror {@code KVM_INTERNAL_ERROR_*}: 1 emulation, 2 simultaneous exceptions, 3 event delivery,
     *                 4 unexpected exit reason
     * @param data     the extra words KVM supplied
     */
    record InternalError(int suberror, long[] data) implements VcpuExit {
        public String suberrorName() {
            return switch (suberror) {
                case 1 -> "emulation failure";
                case 2 -> "exception while delivering an exception";
                case 3 -> "event delivery failure";
                case 4 -> "unexpected exit reason";
                default -> "sub-error " + suberror;
            };
        }

        @Override
        public String toString() {
            return "InternalError[" + suberrorName() + ", data=" + Arrays.toString(data) + "]";
        }
    }

    /** The hardware refused to enter the guest (invalid guest state), with the vendor's reason. */
    record FailEntry(long hardwareReason, int cpu) implements VcpuExit {
        @Override
        public String toString() {
            return "FailEntry[hardwareReason=0x" + Long.toHexString(hardwareReason) + ", cpu=" + cpu + "]";
        }
    }

    /**
     * A system-level event: shutdown (1), reset (2) or crash (3), e.g. from a PSCI call or the in-kernel
     * reset logic.
     */
    record SystemEvent(int type, long[] data) implements VcpuExit {
        @Override
        public String toString() {
            return "SystemEvent[type=" + type + ", data=" + Arrays.toString(data) + "]";
        }
    }

    /** {@code KVM_RUN} returned early because the host kicked the vCPU (signal or {@code immediate_exit}). */
    record Interrupted() implements VcpuExit {
    }

    /** An exit reason this monitor does not handle, e.g. a debug exit; {@code reason} is {@code kvm_run.exit_reason}. */
    record Unsupported(int reason) implements VcpuExit {
    }
}
