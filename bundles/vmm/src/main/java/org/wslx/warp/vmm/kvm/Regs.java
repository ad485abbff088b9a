package org.wslx.warp.vmm.kvm;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The general-purpose registers, RIP and RFLAGS of a vCPU ({@code struct kvm_regs}). A mutable value: get it from
 * {@link KvmVcpu#getRegs()}, change what you need with the fluent setters, give it to {@link KvmVcpu#setRegs(Regs)}.
 */
@ProviderType
public final class Regs {
    /** RFLAGS bit 1 is reserved and always 1. */
    public static final long RFLAGS_RESERVED = 0x2;
    public static final long RFLAGS_IF = 1L << 9;

    private long rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
    private long r8, r9, r10, r11, r12, r13, r14, r15;
    private long rip;
    private long rflags = RFLAGS_RESERVED;

    public long rax() { return rax; }
    public long rbx() { return rbx; }
    public long rcx() { return rcx; }
    public long rdx() { return rdx; }
    public long rsi() { return rsi; }
    public long rdi() { return rdi; }
    public long rsp() { return rsp; }
    public long rbp() { return rbp; }
    public long r8() { return r8; }
    public long r9() { return r9; }
    public long r10() { return r10; }
    public long r11() { return r11; }
    public long r12() { return r12; }
    public long r13() { return r13; }
    public long r14() { return r14; }
    public long r15() { return r15; }
    public long rip() { return rip; }
    public long rflags() { return rflags; }

    public Regs rax(long v) { rax = v; return this; }
    public Regs rbx(long v) { rbx = v; return this; }
    public Regs rcx(long v) { rcx = v; return this; }
    public Regs rdx(long v) { rdx = v; return this; }
    public Regs rsi(long v) { rsi = v; return this; }
    public Regs rdi(long v) { rdi = v; return this; }
    public Regs rsp(long v) { rsp = v; return this; }
    public Regs rbp(long v) { rbp = v; return this; }
    public Regs r8(long v) { r8 = v; return this; }
    public Regs r9(long v) { r9 = v; return this; }
    public Regs r10(long v) { r10 = v; return this; }
    public Regs r11(long v) { r11 = v; return this; }
    public Regs r12(long v) { r12 = v; return this; }
    public Regs r13(long v) { r13 = v; return this; }
    public Regs r14(long v) { r14 = v; return this; }
    public Regs r15(long v) { r15 = v; return this; }
    public Regs rip(long v) { rip = v; return this; }
    public Regs rflags(long v) { rflags = v; return this; }

    @Override
    public String toString() {
        return String.format("rip=%x rsp=%x rflags=%x rax=%x rbx=%x rcx=%x rdx=%x rsi=%x rdi=%x", rip, rsp, rflags, rax,
                rbx, rcx, rdx, rsi, rdi);
    }
}
