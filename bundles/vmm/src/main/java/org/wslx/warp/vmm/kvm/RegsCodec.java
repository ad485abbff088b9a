package org.wslx.warp.vmm.kvm;

import java.nio.ByteBuffer;

/**
 * Converts {@link Regs} to and from {@code struct kvm_regs} (144 bytes): rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp,
 * r8-r15, rip, rflags, 8 bytes each at their C offsets.
 */
final class RegsCodec {
    static final int SIZE = 144;

    private RegsCodec() {
    }

    static Regs decode(ByteBuffer b) {
        return new Regs().rax(b.getLong(0)).rbx(b.getLong(8)).rcx(b.getLong(16)).rdx(b.getLong(24))
                .rsi(b.getLong(32)).rdi(b.getLong(40)).rsp(b.getLong(48)).rbp(b.getLong(56))
                .r8(b.getLong(64)).r9(b.getLong(72)).r10(b.getLong(80)).r11(b.getLong(88))
                .r12(b.getLong(96)).r13(b.getLong(104)).r14(b.getLong(112)).r15(b.getLong(120))
                .rip(b.getLong(128)).rflags(b.getLong(136));
    }

    static void encode(Regs regs, ByteBuffer b) {
        b.putLong(0, regs.rax()).putLong(8, regs.rbx()).putLong(16, regs.rcx()).putLong(24, regs.rdx())
                .putLong(32, regs.rsi()).putLong(40, regs.rdi()).putLong(48, regs.rsp()).putLong(56, regs.rbp())
                .putLong(64, regs.r8()).putLong(72, regs.r9()).putLong(80, regs.r10()).putLong(88, regs.r11())
                .putLong(96, regs.r12()).putLong(104, regs.r13()).putLong(112, regs.r14()).putLong(120, regs.r15())
                .putLong(128, regs.rip()).putLong(136, regs.rflags());
    }
}
