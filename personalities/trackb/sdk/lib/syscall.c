/* The trapping calls: `int $0x80`, number in rax, arguments in rdi, rsi, rdx. */
#include "warp.h"

void warp_exit(int code) {
    for (;;) warp_trap3(WARP_SYS_EXIT, code, 0, 0);
}
long warp_nop(void) { return warp_trap0(WARP_SYS_NOP); }
long warp_sys_write(int h, const void *buf, size_t len) { return warp_trap3(WARP_SYS_WRITE, h, (long)buf, (long)len); }
long warp_yield(void) { return warp_trap0(WARP_SYS_YIELD); }
uint64_t warp_sys_clock_ns(void) { return (uint64_t)warp_trap0(WARP_SYS_CLOCK); }
void *warp_map(void *va, size_t len, unsigned flags) { return (void *)warp_trap3(WARP_SYS_MAP, (long)va, (long)len, flags); }
long warp_unmap(void *va, size_t len) { return warp_trap3(WARP_SYS_UNMAP, (long)va, (long)len, 0); }
long warp_spawn(const struct warp_spawn *s) { return warp_trap3(WARP_SYS_SPAWN, (long)s, 0, 0); }
long warp_waitpid(long pid, struct warp_exit *st, unsigned flags) { return warp_trap3(WARP_SYS_WAITPID, pid, (long)st, flags); }
long warp_wait(const struct warp_wait *w, unsigned count, uint64_t timeout_ns) {
    return warp_trap3(WARP_SYS_WAIT, (long)w, count, (long)timeout_ns);
}
long warp_wake(long pid) { return warp_trap3(WARP_SYS_WAKE, pid, 0, 0); }
long warp_kill(long pid, int sig) { return warp_trap3(WARP_SYS_KILL, pid, sig, 0); }
long warp_portal_map(uint64_t portal, void *va, size_t len) {
    return warp_trap3(WARP_SYS_PORTAL_MAP, (long)portal, (long)va, (long)len);
}

uint64_t warp_clock_ns(void) {
    const struct warp_info *in = warp_info();
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    uint64_t t = ((uint64_t)hi << 32) | lo;
    return (uint64_t)(((unsigned __int128)(t - in->tsc_base) * in->ns_mult) >> 32);
}

const char *warp_strerror(long e) {
    switch (e) {
    case WARP_EINVAL: return "invalid argument";
    case WARP_EFAULT: return "bad address";
    case WARP_ENOMEM: return "out of memory";
    case WARP_ENOENT: return "no such object";
    case WARP_ENOEXEC: return "not a valid executable";
    case WARP_ESRCH: return "no such process";
    case WARP_EAGAIN: return "try again";
    case WARP_ETIMEDOUT: return "timed out";
    case WARP_ENOSYS: return "not implemented";
    case WARP_EPERM: return "not permitted";
    case WARP_EBUSY: return "busy";
    case WARP_ECHILD: return "no such child";
    case WARP_EPIPE: return "the other end is closed";
    default: return "unknown error";
    }
}
