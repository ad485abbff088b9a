package org.wslx.warp.sandbox.kvm.layout;

/**
 * The control and descriptor-table registers a sandbox vCPU starts with: 64-bit long mode, paging with
 * no-execute, SSE usable at CPL 3, already at CPL 3 (code {@link SystemTables#USER_CODE}, stack
 * {@link SystemTables#USER_DATA}), with the task register on the sandbox's TSS.
 */
public record LongModeEntry(long cr0, long cr3, long cr4, long efer, long gdtBase, int gdtLimit, long idtBase,
        int idtLimit, long tssBase, int tssLimit) {
    /** PE, MP, ET, NE, WP, PG. */
    public static final long CR0 = 0x80010033L;
    /** PAE, OSFXSR, OSXMMEXCPT. */
    public static final long CR4 = 0x620;
    /** LME, LMA, NXE. */
    public static final long EFER = 0xd00;
    /** Only the always-one bit: interrupts stay off, there is nothing to interrupt a call. */
    public static final long RFLAGS = 0x2;

    public static LongModeEntry forSandbox(long pageTableRoot) {
        return new LongModeEntry(CR0, pageTableRoot, CR4, EFER, SandboxLayout.GDT, SystemTables.GDT_LIMIT,
                SandboxLayout.IDT, SystemTables.IDT_LIMIT, SandboxLayout.TSS, SystemTables.TSS_LIMIT);
    }
}
