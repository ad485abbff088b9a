/*
 * Functions that look at the segment and flag state a call inherits: the tests use them to prove that what one call
 * leaves in the segment registers, the FS/GS bases or RFLAGS does not reach the next call through a warm sandbox.
 *
 * A CPL 3 function can load DS, ES, FS and GS with any selector whose descriptor has DPL 3 (the user segments, with
 * any RPL) or with a null selector (0-3); where CR4.FSGSBASE is on it can also write the FS and GS bases directly.
 * Under hardware KVM a sandbox leaves CR4.FSGSBASE off, so wrfsbase raises #UD; under kvm_pvm CPL 3 code runs with
 * the host's CR4 and the instructions work. The callers say which by the input flags below.
 *
 * State is dumped in this layout (WARP_SEGMENT_DUMP_BYTES bytes):
 *      0  u16 CS, SS, DS, ES, FS, GS selectors
 *     12  u32 zero
 *     16  u64 RFLAGS as the function found it
 *     24  u64 FS base  (0 unless WARP_SEGMENT_BASES)
 *     32  u64 GS base  (0 unless WARP_SEGMENT_BASES)
 */
#include <warp_sandbox.h>

#define WARP_SEGMENT_DUMP_BYTES 40
/* Input byte 0: read (segment_state) or write (segment_secret) the bases with rd/wr{fs,gs}base. */
#define WARP_SEGMENT_BASES 1u
/* Input byte 0 of segment_secret: set RFLAGS.DF and RFLAGS.AC and return with them set. */
#define WARP_SEGMENT_FLAGS 2u

/* The RFLAGS value before the compiler's own code can change DF or AC (it never sets them, but never relies on it). */
static inline warp_u64 rflags(void) {
    warp_u64 value;
    __asm__ volatile("pushfq\n\tpopq %0" : "=r"(value));
    return value;
}

static void dump(warp_u8 *out, warp_u64 flags, warp_u32 how) {
    warp_u16 *selectors = (warp_u16 *) out;
    __asm__ volatile("mov %%cs, %0" : "=m"(selectors[0]));
    __asm__ volatile("mov %%ss, %0" : "=m"(selectors[1]));
    __asm__ volatile("mov %%ds, %0" : "=m"(selectors[2]));
    __asm__ volatile("mov %%es, %0" : "=m"(selectors[3]));
    __asm__ volatile("mov %%fs, %0" : "=m"(selectors[4]));
    __asm__ volatile("mov %%gs, %0" : "=m"(selectors[5]));
    warp_u64 *words = (warp_u64 *) out;
    *(warp_u32 *) (out + 12) = 0;
    words[2] = flags;
    words[3] = words[4] = 0;
    if (how & WARP_SEGMENT_BASES) {
        __asm__ volatile("rdfsbase %0" : "=r"(words[3]));
        __asm__ volatile("rdgsbase %0" : "=r"(words[4]));
    }
}

/* The segment state and RFLAGS the call started with; input byte 0 says how much of it to read. */
WARP_FUNCTION(segment_state) {
    warp_u64 flags = rflags();
    if (out_cap < WARP_SEGMENT_DUMP_BYTES) {
        return WARP_E_OUTPUT_TOO_SMALL;
    }
    dump(out, flags, in_len > 0 ? in[0] : 0);
    return WARP_SEGMENT_DUMP_BYTES;
}

/*
 * Leaves state behind for the next call, then dumps what it left:
 *   input byte 1: selector for DS, byte 2: ES, byte 3: FS, byte 4: GS (each loaded as given);
 *   input bytes 8-15: FS base, 16-23: GS base (written when byte 0 has WARP_SEGMENT_BASES);
 *   byte 0 WARP_SEGMENT_FLAGS: return with RFLAGS.DF and RFLAGS.AC set.
 * The bases are written after the selectors, since loading a selector reloads the base from the descriptor.
 */
WARP_FUNCTION(segment_secret) {
    if (in_len < 24) {
        return WARP_E_BAD_INPUT;
    }
    if (out_cap < WARP_SEGMENT_DUMP_BYTES) {
        return WARP_E_OUTPUT_TOO_SMALL;
    }
    warp_u32 how = in[0];
    warp_u16 ds = in[1], es = in[2], fs = in[3], gs = in[4];
    warp_u64 fs_base, gs_base;
    memcpy(&fs_base, in + 8, 8);
    memcpy(&gs_base, in + 16, 8);
    __asm__ volatile("mov %0, %%ds\n\tmov %1, %%es\n\tmov %2, %%fs\n\tmov %3, %%gs"
                     : : "r"(ds), "r"(es), "r"(fs), "r"(gs) : "memory");
    if (how & WARP_SEGMENT_BASES) {
        __asm__ volatile("wrfsbase %0\n\twrgsbase %1" : : "r"(fs_base), "r"(gs_base) : "memory");
    }
    warp_u64 flags = rflags();
    if (how & WARP_SEGMENT_FLAGS) {
        /* DF and AC; CR0.AM is clear in a sandbox, so AC alone makes no access fault. */
        flags |= (1ul << 10) | (1ul << 18);
    }
    dump(out, flags, how & WARP_SEGMENT_BASES);
    if (how & WARP_SEGMENT_FLAGS) {
        /* Nothing after this may depend on DF: the epilogue and the runtime's `out` do not. */
        __asm__ volatile("pushq %0\n\tpopfq" : : "r"(flags) : "memory", "cc");
    }
    return WARP_SEGMENT_DUMP_BYTES;
}

/*
 * Tries one write to CPU state that would survive the host's per-call reset if CPL 3 could make it, chosen by input
 * byte 0: 0 TSC_AUX (what rdpid/rdtscp read), 1 DR7, 2 the KERNEL_GS_BASE swapgs would bring in, 3 swapgs itself,
 * 4 CR8 (the task priority). Each must fault at CPL 3 (#GP), which discards the sandbox; returning means it did not.
 */
WARP_FUNCTION(privileged_write) {
    if (in_len < 1) {
        return WARP_E_BAD_INPUT;
    }
    switch (in[0]) {
    case 0:
        __asm__ volatile("wrmsr" : : "c"(0xc0000103u), "a"(0x5ecu), "d"(0u));
        break;
    case 1:
        __asm__ volatile("mov %0, %%dr7" : : "r"(0x401ul));
        break;
    case 2:
        __asm__ volatile("wrmsr" : : "c"(0xc0000102u), "a"(0x5ec000u), "d"(0u));
        break;
    case 3:
        __asm__ volatile("swapgs" : : : "memory");
        break;
    case 4:
        __asm__ volatile("mov %0, %%cr8" : : "r"(0xful));
        break;
    default:
        return WARP_E_BAD_INPUT;
    }
    return 0;
}
