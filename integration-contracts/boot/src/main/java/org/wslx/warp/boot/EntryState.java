package org.wslx.warp.boot;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The 64-bit CPU state in which the bootstrap vCPU starts, as a {@link MemoryLoadingBootMethod}
 * prepared it: long mode, paging on with {@code cr3}'s tables, flat segments from the loader's GDT.
 * The backend sets exactly these values; every other register is zero and RFLAGS is {@code rflags}.
 *
 * @param rip              instruction pointer (the kernel's 64-bit entry)
 * @param rsp              stack pointer, or 0 where the convention leaves it undefined
 * @param rbx              RBX (ELF64 direct entry: the {@code hvm_start_info} address)
 * @param rsi              RSI (Linux: the zero page; ELF64 direct entry: {@code hvm_start_info} again)
 * @param rflags           RFLAGS, at least bit 1 set; interrupts off
 * @param cr0              CR0
 * @param cr3              CR3: guest-physical address of the top-level page table
 * @param cr4              CR4
 * @param efer             the EFER MSR
 * @param gdtBase          guest-physical (identity-mapped) address of the GDT
 * @param gdtLimit         the GDT's limit (size in bytes minus one)
 * @param codeSelector     CS: a 64-bit code descriptor in that GDT
 * @param dataSelector     DS, ES, SS, FS and GS: a flat data descriptor in that GDT
 */
@ProviderType
public record EntryState(long rip, long rsp, long rbx, long rsi, long rflags, long cr0, long cr3, long cr4, long efer,
        long gdtBase, int gdtLimit, int codeSelector, int dataSelector) {
    public static final long CR0_PE = 1L;
    public static final long CR0_MP = 1L << 1;
    public static final long CR0_ET = 1L << 4;
    public static final long CR0_NE = 1L << 5;
    public static final long CR0_WP = 1L << 16;
    public static final long CR0_PG = 1L << 31;
    public static final long CR4_PAE = 1L << 5;
    public static final long CR4_OSFXSR = 1L << 9;
    public static final long CR4_OSXMMEXCPT = 1L << 10;
    public static final long EFER_LME = 1L << 8;
    public static final long EFER_LMA = 1L << 10;
    public static final long EFER_NXE = 1L << 11;
    /** RFLAGS with only its always-one bit: interrupts disabled. */
    public static final long RFLAGS_RESERVED = 1L << 1;
}
