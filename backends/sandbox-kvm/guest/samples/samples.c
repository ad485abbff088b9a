/* Sample sandbox functions: the ones the tests and the benchmark call. */
#include <warp_sandbox.h>

/* Sum of the input bytes, as a little-endian u64. */
WARP_FUNCTION(sum) {
    warp_u64 total = 0;
    for (warp_size i = 0; i < in_len; i++) {
        total += in[i];
    }
    if (out_cap < 8) {
        return WARP_E_OUTPUT_TOO_SMALL;
    }
    memcpy(out, &total, 8);
    return 8;
}

/* The input, unchanged. */
WARP_FUNCTION(echo) {
    if (in_len > out_cap) {
        return WARP_E_OUTPUT_TOO_SMALL;
    }
    memcpy(out, in, in_len);
    return (long) in_len;
}

/* The input, last byte first. */
WARP_FUNCTION(reverse) {
    if (in_len > out_cap) {
        return WARP_E_OUTPUT_TOO_SMALL;
    }
    for (warp_size i = 0; i < in_len; i++) {
        out[i] = in[in_len - 1 - i];
    }
    return (long) in_len;
}

/*
 * How many times this image's memory has seen a call: 1 as long as the host resets memory between
 * calls, which is what the tests check.
 */
static warp_u64 calls;
WARP_FUNCTION(calls) {
    calls++;
    if (out_cap < 8) {
        return WARP_E_OUTPUT_TOO_SMALL;
    }
    memcpy(out, &calls, 8);
    return 8;
}

/* Writes outside guest memory: a page fault at 0xdead0000. */
WARP_FUNCTION(fault) {
    *(volatile warp_u64 *) 0xdead0000UL = in_len;
    return 0;
}

/* Writes into its read-only input window: a page fault on a present page. */
WARP_FUNCTION(scribble) {
    *(volatile warp_u8 *) in = 1;
    return 0;
}

/* An invalid instruction: #UD. */
WARP_FUNCTION(invalid) {
    __asm__ volatile("ud2");
    return 0;
}

/* Never returns; the host's time limit has to stop it. */
WARP_FUNCTION(loop) {
    volatile warp_u64 spins = 0;
    for (;;) {
        spins++;
    }
    return 0;
}

/* Returns the error code given as its first input byte (negated), to test error reporting. */
WARP_FUNCTION(fail) {
    return in_len ? -(long) in[0] : WARP_E_BAD_INPUT;
}
