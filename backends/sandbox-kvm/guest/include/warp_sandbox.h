/*
 * Writing functions for WARP sandboxes.
 *
 * A sandbox guest image is a static ELF64 x86-64 executable linked with guest.ld and the runtime in
 * runtime/. Each function is declared with WARP_FUNCTION(name) and becomes callable by that name:
 *
 *     #include <warp_sandbox.h>
 *     WARP_FUNCTION(count) {
 *         out[0] = (unsigned char) in_len;
 *         return 1;                         // bytes written to out
 *     }
 *
 * The function runs at CPL 3 from its first instruction, with the input bytes mapped read-only at
 * `in` and `out_cap` bytes of writable output space at `out`. It returns the number of output bytes
 * it wrote, or a negative WARP_E_* code. Memory (globals, stack) is reset to the image's initial
 * state before every call, and so is the CPU: general registers and flags, segment selectors and the
 * FS/GS bases, FPU and vector registers. A function must not expect state to survive between calls. There is
 * no operating system: no system calls, no heap, only what the function brings with it.
 */
#ifndef WARP_SANDBOX_H
#define WARP_SANDBOX_H

typedef unsigned char warp_u8;
typedef unsigned short warp_u16;
typedef unsigned int warp_u32;
typedef unsigned long warp_u64;
typedef unsigned long warp_size;

/* Return codes the host understands; any other negative value is reported as the function's own error. */
#define WARP_E_BAD_INPUT (-1L)
#define WARP_E_OUTPUT_TOO_SMALL (-2L)

/* The ports of the host/guest protocol (see SandboxLayout on the host side). */
#define WARP_PORT_DONE 0xf4
#define WARP_PORT_FAULT 0xf8

/* Prefix of the symbols the host lists as callable functions. */
#define WARP_FUNCTION_PREFIX "warp_fn_"

#define WARP_UNUSED __attribute__((unused))
#define WARP_FUNCTION(name)                                                                           \
    long warp_fn_##name(const warp_u8 *in, warp_size in_len, warp_u8 *out, warp_size out_cap)      \
        __attribute__((used, noinline));                                                              \
    long warp_fn_##name(WARP_UNUSED const warp_u8 *in, WARP_UNUSED warp_size in_len,                \
                        WARP_UNUSED warp_u8 *out, WARP_UNUSED warp_size out_cap)

/* Freestanding helpers the runtime provides (the compiler may also call them on its own). */
void *memcpy(void *dst, const void *src, warp_size n);
void *memmove(void *dst, const void *src, warp_size n);
void *memset(void *dst, int c, warp_size n);
int memcmp(const void *a, const void *b, warp_size n);

#endif
