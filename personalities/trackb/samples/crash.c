/* crash: faults on purpose. `crash` writes through a null pointer; `crash read ADDR` reads ADDR
   (e.g. a kernel address); `crash exec` jumps to an unmapped address. */
#include "warp.h"

static uint64_t parse(const char *s) {
    uint64_t v = 0;
    if (s[0] == '0' && s[1] == 'x') s += 2;
    for (; *s; s++) v = v * 16 + (uint64_t)(*s <= '9' ? *s - '0' : (*s | 32) - 'a' + 10);
    return v;
}

int main(int argc, char **argv) {
    if (argc > 2 && !strcmp(argv[1], "read")) return *(volatile int *)parse(argv[2]);
    if (argc > 1 && !strcmp(argv[1], "exec")) ((void (*)(void))0x10)();
    *(volatile int *)0 = 42;
    return 0;
}
