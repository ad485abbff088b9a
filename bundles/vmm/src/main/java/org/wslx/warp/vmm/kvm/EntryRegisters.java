package org.wslx.warp.vmm.kvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.wslx.warp.vmm.kvm.bindings.HostMapping;
import org.wslx.warp.vmm.kvm.bindings.KvmConstants;
import org.wslx.warp.vmm.kvm.bindings.KvmRunLayout;

/**
 * Registers handed to KVM inside a vCPU's kvm_run area (KVM_CAP_SYNC_REGS) instead of through KVM_SET_REGS and
 * KVM_SET_SREGS: KVM loads each area whose kvm_dirty_regs bit is set as the next KVM_RUN enters the guest, and clears
 * the bit. A caller that sets registers before every run saves a system call per structure, which is most of what
 * those ioctls cost (about 5 µs each on kvm_pvm). KVM writes the areas back only for kvm_valid_regs bits, which this
 * monitor never sets. Callers hold the vCPU's register lock.
 */
final class EntryRegisters {
    private final HostMapping run;
    private final ByteBuffer regsBytes = ByteBuffer.allocate(RegsCodec.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer sregsBytes = ByteBuffer.allocate(SregsCodec.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    /** What was staged last, for a register read before KVM has loaded it. */
    private Regs regs;
    private Sregs sregs;

    EntryRegisters(HostMapping run) {
        this.run = run;
    }

    /** Whether KVM can load both general and segment registers from kvm_run, given KVM_CAP_SYNC_REGS's value. */
    static boolean supported(int syncRegsCapability) {
        int needed = KvmConstants.KVM_SYNC_X86_REGS | KvmConstants.KVM_SYNC_X86_SREGS;
        return (syncRegsCapability & needed) == needed;
    }

    void stageRegs(Regs value) {
        RegsCodec.encode(value, regsBytes);
        run.write(KvmRunLayout.SYNC_REGS, regsBytes.array(), 0, RegsCodec.SIZE);
        regs = value;
        markDirty(KvmConstants.KVM_SYNC_X86_REGS);
    }

    void stageSregs(Sregs value) {
        java.util.Arrays.fill(sregsBytes.array(), (byte) 0);
        SregsCodec.encode(value, sregsBytes);
        run.write(KvmRunLayout.SYNC_SREGS, sregsBytes.array(), 0, SregsCodec.SIZE);
        sregs = value;
        markDirty(KvmConstants.KVM_SYNC_X86_SREGS);
    }

    /** The staged general registers KVM has not loaded yet, or null. */
    Regs pendingRegs() {
        return pending(KvmConstants.KVM_SYNC_X86_REGS) ? regs : null;
    }

    /** The staged segment registers KVM has not loaded yet, or null. */
    Sregs pendingSregs() {
        return pending(KvmConstants.KVM_SYNC_X86_SREGS) ? sregs : null;
    }

    /** Forgets staged general registers, so a KVM_SET_REGS made now is not overwritten at the next entry. */
    void dropRegs() {
        clearDirty(KvmConstants.KVM_SYNC_X86_REGS);
        regs = null;
    }

    void dropSregs() {
        clearDirty(KvmConstants.KVM_SYNC_X86_SREGS);
        sregs = null;
    }

    private boolean pending(int bit) {
        return (run.getLong(KvmRunLayout.DIRTY_REGS) & bit) != 0;
    }

    private void markDirty(int bit) {
        run.setLong(KvmRunLayout.DIRTY_REGS, run.getLong(KvmRunLayout.DIRTY_REGS) | bit);
    }

    private void clearDirty(int bit) {
        long dirty = run.getLong(KvmRunLayout.DIRTY_REGS);
        if ((dirty & bit) != 0) {
            run.setLong(KvmRunLayout.DIRTY_REGS, dirty & ~bit);
        }
    }
}
