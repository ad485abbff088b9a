/* The four memory functions gcc may emit calls to even in freestanding code. */
#include <warp_sandbox.h>

void *memcpy(void *dst, const void *src, warp_size n) {
    warp_u8 *d = dst;
    const warp_u8 *s = src;
    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

void *memmove(void *dst, const void *src, warp_size n) {
    warp_u8 *d = dst;
    const warp_u8 *s = src;
    if (d < s) {
        while (n--) {
            *d++ = *s++;
        }
    } else {
        while (n--) {
            d[n] = s[n];
        }
    }
    return dst;
}

void *memset(void *dst, int c, warp_size n) {
    warp_u8 *d = dst;
    while (n--) {
        *d++ = (warp_u8) c;
    }
    return dst;
}

int memcmp(const void *a, const void *b, warp_size n) {
    const warp_u8 *x = a, *y = b;
    for (; n; n--, x++, y++) {
        if (*x != *y) {
            return *x - *y;
        }
    }
    return 0;
}
