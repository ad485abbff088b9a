/*
 * badptr: hands the kernel pointers it must refuse (a kernel address, an unmapped user address,
 * a range running off the end of user space) and checks each trapping call returns WARP_EFAULT.
 * Prints what happened; exits 14 (EFAULT) when every call was refused cleanly, 1 otherwise.
 */
#include "warp.h"

static int failures;

static void expect_efault(const char *what, long r) {
    if (r == WARP_EFAULT) printf("badptr: %s: refused (%s)\n", what, warp_strerror(r));
    else { printf("badptr: %s: returned %ld, expected EFAULT\n", what, r); failures++; }
}

int main(void) {
    const void *kernel = (const void *)0x100000;            /* the kernel's own image */
    const void *unmapped = (const void *)(WARP_MAP_END - 0x10000);
    expect_efault("write from a kernel address", warp_sys_write(WARP_STDOUT, kernel, 16));
    expect_efault("write from an unmapped address", warp_sys_write(WARP_STDOUT, unmapped, 16));
    expect_efault("write past the end of user space", warp_sys_write(WARP_STDOUT, (const void *)(WARP_USER_END - 8), 64));
    expect_efault("ring write from a kernel address", warp_write(WARP_STDOUT, kernel, 16));
    expect_efault("spawn with a kernel address", warp_spawn((const struct warp_spawn *)kernel));
    struct warp_wait w = { 0x100000, 0, 0 };
    expect_efault("wait on a kernel address", warp_wait(&w, 1, 0));
    expect_efault("wait with a kernel vector", warp_wait((const struct warp_wait *)kernel, 1, 0));
    expect_efault("waitpid status to a kernel address", warp_waitpid(-1, (struct warp_exit *)kernel, WARP_WNOHANG));
    printf("badptr: the kernel refused every bad pointer and is still serving\n");
    return failures ? 1 : 14;
}
