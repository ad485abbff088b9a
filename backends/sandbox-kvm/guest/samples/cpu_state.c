/*
 * Functions that look at the CPU state a call inherits: the tests use them to prove that nothing one call leaves
 * in the FPU, vector or segment registers reaches the next call through a warm sandbox.
 *
 * Vector state is dumped in this layout (WARP_VECTOR_DUMP_BYTES bytes):
 *      0  u32 components present: bit 0 SSE, bit 1 AVX (YMM), bit 2 AVX-512 (ZMM, k)
 *      4  u32 MXCSR
 *      8  u16 x87 control word, u16 status word, u16 tag word (0xffff: stack empty), u16 zero
 *     16  XMM0-15                          16 x 16 bytes
 *    272  YMM0-15 upper halves             16 x 16 bytes (zero unless AVX)
 *    528  ZMM0-15 upper halves             16 x 32 bytes (zero unless AVX-512)
 *   1040  ZMM16-31                         16 x 64 bytes (zero unless AVX-512)
 *   2064  k0-7                              8 x  8 bytes (zero unless AVX-512); ends at 2128
 * AVX and AVX-512 are used only where CPUID and XCR0 say the guest may: on hardware KVM a sandbox does not
 * enable XSAVE (CR4.OSXSAVE clear), so only SSE and x87 exist there; where the guest sees the host's CPUID and
 * XCR0 (kvm_pvm), the wider registers are really usable and must be covered too.
 */
#include <warp_sandbox.h>

#define WARP_VECTOR_DUMP_BYTES 2128
#define HAS_AVX 2u
#define HAS_AVX512 4u

static void cpuid(warp_u32 leaf, warp_u32 sub, warp_u32 *a, warp_u32 *b, warp_u32 *c, warp_u32 *d) {
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

/* Which vector components this call may use. */
static warp_u32 components(void) {
    warp_u32 a, b, c, d, present = 1;
    cpuid(1, 0, &a, &b, &c, &d);
    if (!(c & (1u << 27)) || !(c & (1u << 28))) { /* OSXSAVE, AVX */
        return present;
    }
    warp_u32 lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6u) != 6u) {
        return present;
    }
    present |= HAS_AVX;
    cpuid(7, 0, &a, &b, &c, &d);
    if ((b & (1u << 16)) && (lo & 0xe0u) == 0xe0u) { /* AVX512F, opmask + ZMM_Hi256 + Hi16_ZMM enabled */
        present |= HAS_AVX512;
    }
    return present;
}

#define XMM_CLOBBERS "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", \
    "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"

/* Every vector register the call may use set to `secret`, MXCSR and the x87 control word changed, x87 stack non-empty. */
static void leave(warp_u64 secret, warp_u32 present) {
    warp_u32 mxcsr = 0x7f80; /* round toward zero */
    warp_u16 fcw = 0x0e7f;   /* round toward zero */
    __asm__ volatile(
        "movq %0, %%xmm0\n\tpunpcklqdq %%xmm0, %%xmm0\n\t"
        "movdqa %%xmm0, %%xmm1\n\tmovdqa %%xmm0, %%xmm2\n\tmovdqa %%xmm0, %%xmm3\n\tmovdqa %%xmm0, %%xmm4\n\t"
        "movdqa %%xmm0, %%xmm5\n\tmovdqa %%xmm0, %%xmm6\n\tmovdqa %%xmm0, %%xmm7\n\tmovdqa %%xmm0, %%xmm8\n\t"
        "movdqa %%xmm0, %%xmm9\n\tmovdqa %%xmm0, %%xmm10\n\tmovdqa %%xmm0, %%xmm11\n\tmovdqa %%xmm0, %%xmm12\n\t"
        "movdqa %%xmm0, %%xmm13\n\tmovdqa %%xmm0, %%xmm14\n\tmovdqa %%xmm0, %%xmm15\n\t"
        "ldmxcsr %1\n\tfldcw %2\n\tfld1"
        : : "r"(secret), "m"(mxcsr), "m"(fcw) : XMM_CLOBBERS, "memory");
    if (present & HAS_AVX512) {
        __asm__ volatile(
            "vpbroadcastq %0, %%zmm0\n\t"
            ".irp r,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\t"
            "vmovdqa64 %%zmm0, %%zmm\\r\n\t.endr\n\t"
            "kmovq %0, %%k1\n\t.irp r,2,3,4,5,6,7\n\tkmovq %%k1, %%k\\r\n\t.endr"
            : : "r"(secret) : XMM_CLOBBERS, "memory");
    } else if (present & HAS_AVX) {
        __asm__ volatile(
            "vmovq %0, %%xmm0\n\tvpbroadcastq %%xmm0, %%ymm0\n\t"
            ".irp r,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\tvmovdqa %%ymm0, %%ymm\\r\n\t.endr"
            : : "r"(secret) : XMM_CLOBBERS, "memory");
    }
}

static void zero(warp_u8 *from, warp_u8 *to) {
    volatile warp_u8 *p = from; /* volatile: no vectorised loop, which would use an XMM register */
    while (p < to) {
        *p++ = 0;
    }
}

/* The registers first: any C code before them could let the compiler use XMM registers of its own. */
static void dump(warp_u8 *out, warp_u32 present) {
    __asm__ volatile(
        ".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\tmovdqu %%xmm\\r, 16+16*\\r(%0)\n\t.endr"
        : : "r"(out) : "memory");
    if (present & HAS_AVX) {
        __asm__ volatile(
            ".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\tvextracti128 $1, %%ymm\\r, 272+16*\\r(%0)\n\t.endr"
            : : "r"(out) : "memory");
    } else {
        zero(out + 272, out + 528);
    }
    if (present & HAS_AVX512) {
        __asm__ volatile(
            ".irp r,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\tvextracti64x4 $1, %%zmm\\r, 528+32*\\r(%0)\n\t.endr\n\t"
            ".irp r,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n\tvmovdqu64 %%zmm\\r, 1040+64*(\\r-16)(%0)\n\t.endr\n\t"
            ".irp r,0,1,2,3,4,5,6,7\n\tkmovq %%k\\r, 2064+8*\\r(%0)\n\t.endr"
            : : "r"(out) : "memory");
    } else {
        zero(out + 528, out + WARP_VECTOR_DUMP_BYTES);
    }
    zero(out, out + 16);
    *(warp_u32 *) out = present;
    __asm__ volatile("stmxcsr %0" : "=m"(*(warp_u32 *) (out + 4)));
    warp_u16 env[14];
    __asm__ volatile("fnstenv %0\n\tfldcw %0" : "=m"(env)); /* fnstenv masks exceptions; fldcw puts FCW back */
    ((warp_u16 *) (out + 8))[0] = env[0];
    ((warp_u16 *) (out + 8))[1] = env[2];
    ((warp_u16 *) (out + 8))[2] = env[4];
}

/* Leaves the first 8 input bytes (or a fixed pattern) in every vector register, then dumps the state it left. */
WARP_FUNCTION(vector_secret) {
    if (out_cap < WARP_VECTOR_DUMP_BYTES) {
        return WARP_E_OUTPUT_TOO_SMALL;
    }
    warp_u64 secret = 0x5ec2e75ec2e75ec2UL;
    if (in_len >= 8) {
        memcpy(&secret, in, 8);
    }
    warp_u32 present = components();
    leave(secret, present);
    dump(out, present);
    return WARP_VECTOR_DUMP_BYTES;
}

/* The vector state the call started with. */
WARP_FUNCTION(vector_state) {
    if (out_cap < WARP_VECTOR_DUMP_BYTES) {
        return WARP_E_OUTPUT_TOO_SMALL;
    }
    dump(out, components());
    return WARP_VECTOR_DUMP_BYTES;
}
