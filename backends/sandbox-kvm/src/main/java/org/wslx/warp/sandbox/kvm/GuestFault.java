package org.wslx.warp.sandbox.kvm;

import org.wslx.warp.sandbox.SandboxException;
import org.wslx.warp.sandbox.SandboxException.Kind;
import org.wslx.warp.sandbox.kvm.layout.SystemTables;
import org.wslx.warp.vmm.kvm.KvmVcpu;
import org.wslx.warp.vmm.memory.GuestMemory;

/**
 * Reads what a fault stub left behind: the vector it reported, the CPU's exception frame at the top of
 * the fault stack (faulting RIP, error code) and, for a page fault, CR2.
 */
final class GuestFault {
    private static final int PAGE_FAULT = 14;

    private GuestFault() {
    }

    static SandboxException read(String prefix, int vector, GuestMemory memory, KvmVcpu vcpu) {
        long rip = memory.readU64(SystemTables.FAULT_FRAME_RIP);
        long errorCode = SystemTables.hasErrorCode(vector) ? memory.readU64(SystemTables.FAULT_FRAME_ERROR_CODE) : 0;
        long address = vector == PAGE_FAULT ? vcpu.getSregs().cr2() : 0;
        StringBuilder message = new StringBuilder(prefix).append(FaultNames.name(vector)).append(" (vector ")
                .append(vector).append(')');
        if (vector == PAGE_FAULT) {
            message.append(" at 0x").append(Long.toHexString(address)).append(", a ")
                    .append(FaultNames.pageFaultCause(errorCode));
        } else if (SystemTables.hasErrorCode(vector)) {
            message.append(", error code 0x").append(Long.toHexString(errorCode));
        }
        message.append(", by the instruction at 0x").append(Long.toHexString(rip))
                .append("; the sandbox was discarded");
        return new SandboxException(Kind.FAULT, message.toString(), vector, address, rip, 0, null);
    }
}
