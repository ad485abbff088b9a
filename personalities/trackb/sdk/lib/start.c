/* Builds argc/argv/envp from the information page and runs main. */
#include "warp.h"

/* programs define main with (void), (argc, argv) or (argc, argv, envp): all work with this call */
int main(int argc, char **argv, char **envp);

static char **environ_ptr;

const char *warp_getenv(const char *name) {
    size_t n = strlen(name);
    for (char **e = environ_ptr; e && *e; e++)
        if (!strncmp(*e, name, n) && (*e)[n] == '=') return *e + n + 1;
    return 0;
}

__attribute__((noreturn)) void warp_start(void) {
    const struct warp_info *in = warp_info();
    const char *blob = (const char *)WARP_INFO_VA + in->args_offset;
    uint32_t argc = 0, envc = 0;
    if (in->args_len >= 8) {
        argc = ((const uint32_t *)blob)[0];
        envc = ((const uint32_t *)blob)[1];
    }
    if (argc > 1024 || envc > 1024) argc = envc = 0;
    char *ptrs[argc + envc + 2];
    const char *s = blob + 8, *end = blob + in->args_len;
    uint32_t k = 0;
    for (; k < argc + envc && s < end; k++) {
        ptrs[k + (k >= argc)] = (char *)s;
        while (s < end && *s) s++;
        s++;
    }
    if (k < argc + envc) argc = envc = 0;   /* a malformed block: run with no arguments */
    ptrs[argc] = 0;
    ptrs[argc + 1 + envc] = 0;
    environ_ptr = &ptrs[argc + 1];
    warp_exit(main((int)argc, ptrs, environ_ptr));
}
