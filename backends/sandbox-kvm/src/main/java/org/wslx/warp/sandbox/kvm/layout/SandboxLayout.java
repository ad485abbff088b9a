package org.wslx.warp.sandbox.kvm.layout;

import org.wslx.warp.sandbox.SandboxConfig;

/**
 * Where everything lives in a sandbox's guest memory (identity-mapped, guest virtual = physical):
 *
 * <pre>
 * 0x000000  null guard                     not mapped
 * 0x001000  GDT, TSS + I/O bitmap, IDT     supervisor
 * 0x002000  fault stubs                    supervisor, execute
 * 0x003000  fault stack (RSP0 = 0x4000)    supervisor
 * 0x004000  page tables                    supervisor
 * 0x100000  the image's segments           user, as the ELF flags say
 *           guard page                     not mapped
 *           stack                          user, read-write
 *           guard page                     not mapped
 * inputBase   input window                 user, read-only
 * outputBase  output window                user, read-write
 * memory end
 * </pre>
 *
 * Everything the CPU needs at CPL 0 sits in the low pages, so the function, which runs at CPL 3 from
 * its first instruction, cannot change its own page tables, IDT or TSS.
 */
public record SandboxLayout(long memoryBytes, long inputBase, long inputCapacity, long outputBase,
        long outputCapacity, long stackTop, long stackBottom, long imageBase, long imageLimit) {
    public static final long PAGE = 0x1000;
    public static final long GDT = 0x1000;
    public static final long TSS = 0x1080;
    public static final long IDT = 0x1800;
    public static final long FAULT_STUBS = 0x2000;
    public static final long FAULT_STACK_TOP = 0x4000;
    public static final long PAGE_TABLES = 0x4000;
    public static final long IMAGE_BASE = 0x100000;
    /** Port a CPL 3 function writes its result length to; the only port the TSS I/O bitmap opens. */
    public static final int DONE_PORT = 0xf4;
    /** Port the CPL 0 fault stubs write the exception vector to. */
    public static final int FAULT_PORT = 0xf8;

    public static SandboxLayout of(SandboxConfig config) {
        long memory = config.memoryBytes();
        long outputBase = memory - config.outputCapacity();
        long inputBase = outputBase - config.inputCapacity();
        long stackTop = inputBase - PAGE;
        long stackBottom = stackTop - config.stackBytes();
        long imageLimit = stackBottom - PAGE;
        if (imageLimit <= IMAGE_BASE) {
            throw new IllegalArgumentException("sandbox memory of " + memory + " bytes has no room for an image after "
                    + config.inputCapacity() + " bytes of input, " + config.outputCapacity() + " of output and "
                    + config.stackBytes() + " of stack");
        }
        return new SandboxLayout(memory, inputBase, config.inputCapacity(), outputBase, config.outputCapacity(),
                stackTop, stackBottom, IMAGE_BASE, imageLimit);
    }

    /** Page tables needed: PML4, PDPT, one PD and one PT per 2 MiB. */
    public int pageTablePages() {
        return 3 + (int) (memoryBytes >> 21);
    }
}
