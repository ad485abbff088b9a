/*
 * spawn-wait: starts a child program (default `hello child`) that shares its stdio, waits for it
 * and reports how it ended; exits with the child's code. `spawn-wait PROGRAM ARGS...` runs another.
 */
#include "warp.h"

int main(int argc, char **argv) {
    const char *def[] = { "hello", "child" };
    const char *const *cargv = argc > 1 ? (const char *const *)argv + 1 : def;
    int cargc = argc > 1 ? argc - 1 : 2;
    uint64_t t0 = warp_clock_ns();
    long pid = warp_spawn_program(cargv[0], cargc, cargv);
    if (pid < 0) { eprintf("spawn-wait: cannot start %s: %s\n", cargv[0], warp_strerror(pid)); return 127; }
    printf("spawn-wait: started %s as pid %ld\n", cargv[0], pid);
    struct warp_exit st;
    long r = warp_waitpid(pid, &st, 0);
    uint64_t t1 = warp_clock_ns();
    if (r != pid) { eprintf("spawn-wait: waitpid: %s\n", warp_strerror(r)); return 1; }
    if (st.kind == WARP_EXIT_CODE) printf("spawn-wait: %s exited with code %d after %lu us\n", cargv[0], st.value, (t1 - t0) / 1000);
    else printf("spawn-wait: %s was ended by signal %d\n", cargv[0], st.value);
    return st.kind == WARP_EXIT_CODE ? st.value : 128 + st.value;
}
