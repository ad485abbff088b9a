/*
 * Loading and storing every user-visible vector register, for vector-secret and vector-peek. The
 * programs are built with -mgeneral-regs-only, so nothing else in them touches these registers and
 * a value put there stays until the kernel (or another program) changes it.
 */
#ifndef VECTOR_REGS_H
#define VECTOR_REGS_H
#include "warp.h"

struct vregs {
    uint64_t xmm[16][2];
    uint64_t ymm_hi[16][2];   /* bits 128..255 of ymm0-15 */
    uint64_t zmm_hi[16][4];   /* bits 256..511 of zmm0-15 */
    uint64_t zmm16[16][8];    /* zmm16-31 */
    uint64_t k[8];
};

enum { V_SSE = 1, V_AVX = 2, V_AVX512 = 4 };

/* What user mode may use: CPUID.1:ECX.OSXSAVE says XGETBV works; XCR0 says which state is on. */
static inline int vector_features(void) {
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    if (!(c & (1u << 27)) || !(c & (1u << 28))) return V_SSE;
    __asm__ volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(0));
    int f = (a & 6) == 6 ? V_SSE | V_AVX : V_SSE;
    uint32_t b7;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b7), "=c"(c), "=d"(d) : "a"(7), "c"(0));
    uint32_t xcr0 = 0;
    __asm__ volatile("xgetbv" : "=a"(xcr0), "=d"(d) : "c"(0));
    if ((f & V_AVX) && (xcr0 & 0xE0) == 0xE0 && (b7 & (1u << 16)) && (b7 & (1u << 30))) f |= V_AVX512;  /* F, BW */
    return f;
}

#define X16(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)
#define Z16(M) M(16) M(17) M(18) M(19) M(20) M(21) M(22) M(23) M(24) M(25) M(26) M(27) M(28) M(29) M(30) M(31)
#define K8(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7)

/* from a buffer of 64 bytes per register (zmm0-31 layout) and 8 per mask register */
static inline void vector_load(int f, const uint8_t (*z)[64], const uint64_t *k) {
#define LX(n) __asm__ volatile("movdqu %0, %%xmm" #n : : "m"(z[n][0]));
#define LY(n) __asm__ volatile("vmovdqu %0, %%ymm" #n : : "m"(z[n][0]));
#define LZ(n) __asm__ volatile("vmovdqu64 %0, %%zmm" #n : : "m"(z[n][0]));
#define LK(n) __asm__ volatile("kmovq %0, %%k" #n : : "m"(k[n]));
    if (f & V_AVX512) { X16(LZ) Z16(LZ) K8(LK) }
    else if (f & V_AVX) { X16(LY) }
    else { X16(LX) }
}

static inline void vector_store(int f, uint8_t (*z)[64], uint64_t *k) {
#define SX(n) __asm__ volatile("movdqu %%xmm" #n ", %0" : "=m"(z[n][0]));
#define SY(n) __asm__ volatile("vmovdqu %%ymm" #n ", %0" : "=m"(z[n][0]));
#define SZ(n) __asm__ volatile("vmovdqu64 %%zmm" #n ", %0" : "=m"(z[n][0]));
#define SK(n) __asm__ volatile("kmovq %%k" #n ", %0" : "=m"(k[n]));
    if (f & V_AVX512) { X16(SZ) Z16(SZ) K8(SK) }
    else if (f & V_AVX) { X16(SY) }
    else { X16(SX) }
}

static inline const char *vector_names(int f) {
    return (f & V_AVX512) ? "xmm/ymm/zmm0-31, k0-7" : (f & V_AVX) ? "xmm/ymm0-15" : "xmm0-15";
}
#endif
