/* cat: copies stdin to stdout byte for byte. */
#include "warp.h"

static char buf[65536];

int main(void) {
    for (;;) {
        long n = warp_read(WARP_STDIN, buf, sizeof buf);
        if (n == 0) return 0;
        if (n < 0) { eprintf("cat: read: %s\n", warp_strerror(n)); return 1; }
        long w = warp_write(WARP_STDOUT, buf, (size_t)n);
        if (w < 0) { eprintf("cat: write: %s\n", warp_strerror(w)); return 1; }
    }
}
