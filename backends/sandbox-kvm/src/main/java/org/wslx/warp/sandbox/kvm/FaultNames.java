package org.wslx.warp.sandbox.kvm;

/** Names of the x86 exception vectors, for error messages. */
final class FaultNames {
    private static final String[] NAMES = { "divide error", "debug exception", "NMI", "breakpoint", "overflow",
            "bound range exceeded", "invalid opcode", "device not available", "double fault",
            "coprocessor segment overrun", "invalid TSS", "segment not present", "stack-segment fault",
            "general protection fault", "page fault", "reserved vector 15", "x87 floating-point error",
            "alignment check", "machine check", "SIMD floating-point exception", "virtualization exception",
            "control protection exception" };

    private FaultNames() {
    }

    static String name(int vector) {
        return vector >= 0 && vector < NAMES.length ? NAMES[vector] : "exception vector " + vector;
    }

    /** A page fault's error code as words: what access, and why it failed. */
    static String pageFaultCause(long errorCode) {
        String access = (errorCode & 0x10) != 0 ? "instruction fetch" : (errorCode & 2) != 0 ? "write" : "read";
        String why = (errorCode & 1) != 0 ? "not permitted on a mapped page" : "of an unmapped address";
        return access + " " + why;
    }
}
