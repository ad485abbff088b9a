/*
 * vector-secret: puts a secret in every vector register the CPU lets user mode use (XMM, and YMM,
 * ZMM and the mask registers where they exist), starts vector-peek beside it, and keeps the secret
 * there while both yield to each other and are preempted. It checks that its own XMM registers
 * (x87/SSE state, which the kernel preserves) still hold the secret after every switch, and exits
 * with vector-peek's status, or 1 if its own registers were lost.
 */
#include "warp.h"
#include "vector-regs.h"

#define SECRET 0x5EC7E7005EC7E700ULL   /* each 8-byte lane: this, with the lane's number in the low byte */

static uint8_t want[32][64] __attribute__((aligned(64)));
static uint8_t got[32][64] __attribute__((aligned(64)));
static uint64_t wk[8], gk[8];

static int xmm_kept(int f) {
    vector_store(f, got, gk);
    for (int r = 0; r < 16; r++)
        if (memcmp(got[r], want[r], 16)) return 0;
    return 1;
}

int main(void) {
    int f = vector_features();
    for (int r = 0; r < 32; r++)
        for (int l = 0; l < 8; l++) ((uint64_t *)want[r])[l] = SECRET | (uint64_t)(r * 8 + l);
    for (int i = 0; i < 8; i++) wk[i] = SECRET | (uint64_t)(0xF0 + i);
    const char *argv[] = { "vector-peek" };
    long pid = warp_spawn_program(argv[0], 1, argv);
    if (pid < 0) { eprintf("vector-secret: cannot start vector-peek: %s\n", warp_strerror(pid)); return 127; }
    vector_load(f, (const uint8_t (*)[64])want, wk);
    int lost = 0;
    for (int i = 0; i < 200; i++) {        /* switches at calls */
        warp_yield();
        if (!xmm_kept(f)) lost++;
    }
    uint64_t end = warp_clock_ns() + 40000000ULL;   /* switches at preemption (4 ms slices) */
    while (warp_clock_ns() < end)
        if (!xmm_kept(f)) { lost++; vector_load(f, (const uint8_t (*)[64])want, wk); }
    struct warp_exit st;
    if (warp_waitpid(pid, &st, 0) != pid) { eprintf("vector-secret: waitpid failed\n"); return 1; }
    printf("vector-secret: secret in %s; own xmm registers %s\n", vector_names(f),
           lost ? "LOST across a switch" : "kept across every switch");
    if (lost) return 1;
    return st.kind == WARP_EXIT_CODE ? st.value : 128 + st.value;
}
