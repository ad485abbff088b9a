/*
 * abi-bench: measures the ABI from inside the guest and prints one line per measure:
 *  - a trapping call (`int $0x80`, WARP_SYS_NOP) round trip,
 *  - the ring clock (no trap) and the trapping clock,
 *  - a ring write of 64 bytes to stdout vs the trapping write of the same bytes,
 *  - spawn + wait of a program that exits at once (`true` mode of this program).
 * `abi-bench N` repeats each measure N times (default 200).
 */
#include "warp.h"

static uint64_t median(uint64_t *v, int n) {
    for (int i = 1; i < n; i++) for (int j = i; j > 0 && v[j - 1] > v[j]; j--) { uint64_t t = v[j]; v[j] = v[j - 1]; v[j - 1] = t; }
    return v[n / 2];
}

static uint64_t samples[1000];

#define MEASURE(label, n, stmt) do { \
    for (int i_ = 0; i_ < (n); i_++) { uint64_t a_ = warp_clock_ns(); stmt; samples[i_] = warp_clock_ns() - a_; } \
    uint64_t m_ = median(samples, (n)); \
    printf("abi-bench: %-34s median %lu.%03lu us (n=%d)\n", label, m_ / 1000, m_ % 1000, (n)); \
} while (0)

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "true")) return 0;
    int n = 200;
    if (argc > 1) { n = 0; for (const char *c = argv[1]; *c >= '0' && *c <= '9'; c++) n = n * 10 + (*c - '0'); }
    if (n < 1) n = 1;
    if (n > 1000) n = 1000;
    static const char line[64] = "abi-bench: ..............................................write\n";
    MEASURE("trapping call (nop)", n, warp_nop());
    MEASURE("ring clock", n, warp_clock_ns());
    MEASURE("trapping clock", n, warp_sys_clock_ns());
    MEASURE("ring write, 64 bytes", n, warp_write(WARP_STDOUT, line, sizeof line));
    MEASURE("trapping write, 64 bytes", n, warp_sys_write(WARP_STDOUT, line, sizeof line));
    int m = n > 50 ? 50 : n;
    const char *argv_true[] = { "abi-bench", "true" };
    MEASURE("spawn + wait (exits at once)", m, {
        long pid = warp_spawn_program("abi-bench", 2, argv_true);
        struct warp_exit st;
        if (pid > 0) warp_waitpid(pid, &st, 0);
    });
    return 0;
}
