/*
 * vector-peek: reads every vector register the CPU lets user mode use, again and again while other
 * programs run (yielding, then spinning through preemptions), and counts the 8-byte lanes that hold
 * vector-secret's pattern, then fills them with values of its own. Exits 0 when it never saw it, 3 when it did.
 */
#include "warp.h"
#include "vector-regs.h"

static uint8_t z[32][64] __attribute__((aligned(64)));
static uint64_t k[8];
static uint8_t mine[32][64] __attribute__((aligned(64)));
static uint64_t mine_k[8];
static long looks, seen;

static void look(int f) {
    vector_store(f, z, k);
    looks++;
    int lanes = (f & V_AVX512) ? 8 : (f & V_AVX) ? 4 : 2, regs = (f & V_AVX512) ? 32 : 16;
    for (int r = 0; r < regs; r++)
        for (int l = 0; l < lanes; l++)
            if ((((uint64_t *)z[r])[l] & ~0xFFULL) == 0x5EC7E7005EC7E700ULL) seen++;
    for (int i = 0; (f & V_AVX512) && i < 8; i++)
        if ((k[i] & ~0xFFULL) == 0x5EC7E7005EC7E700ULL) seen++;
    vector_load(f, (const uint8_t (*)[64])mine, mine_k);   /* and leaves values of its own for the writer to lose */
}

int main(void) {
    int f = vector_features();
    for (int r = 0; r < 32; r++)
        for (int l = 0; l < 8; l++) ((uint64_t *)mine[r])[l] = 0x0BADF00D0BADF00DULL;
    for (int i = 0; i < 8; i++) mine_k[i] = 0x0BADF00D0BADF00DULL;
    for (int i = 0; i < 200; i++) { warp_yield(); look(f); }
    uint64_t end = warp_clock_ns() + 40000000ULL;
    while (warp_clock_ns() < end) look(f);
    printf("vector-peek: looked at %s %ld times, saw the secret in %ld lanes\n", vector_names(f), looks, seen);
    return seen ? 3 : 0;
}
