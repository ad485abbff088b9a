/*
 * Handle-based read and write on the stdio block's rings, in user mode. The kernel is entered only
 * to sleep when a ring is empty or full, and to wake the agent when it sleeps.
 */
#include "warp.h"
#include "warp/ring.h"

static const uint32_t ring_offset[3] = { WARP_STDIO_STDIN_OFFSET, WARP_STDIO_STDOUT_OFFSET, WARP_STDIO_STDERR_OFFSET };
static const uint32_t ring_size[3] = { WARP_STDIO_STDIN_SIZE, WARP_STDIO_STDOUT_SIZE, WARP_STDIO_STDERR_SIZE };

static int has_stdio(void) { return !(warp_info()->flags & WARP_INFO_AGENT); }

static void wake_host(struct warp_stdio_block *b) {
    if (__atomic_exchange_n(&b->host_waiting, 0, __ATOMIC_ACQ_REL)) warp_wake(b->host_pid);
}

static void lock(volatile struct warp_ring *r) {
    while (__atomic_exchange_n(&r->lock, 1, __ATOMIC_ACQUIRE)) warp_yield();
}

static void unlock(volatile struct warp_ring *r) { __atomic_store_n(&r->lock, 0, __ATOMIC_RELEASE); }

long warp_write(int h, const void *buf, size_t len) {
    if (h != WARP_STDOUT && h != WARP_STDERR) return WARP_EINVAL;
    if ((uint64_t)buf < WARP_USER_BASE || (uint64_t)buf > WARP_USER_END || len > WARP_USER_END - (uint64_t)buf)
        return WARP_EFAULT;
    if (!has_stdio()) return warp_sys_write(h, buf, len);
    struct warp_stdio_block *b = warp_stdio();
    volatile struct warp_ring *r = &b->ring[h];
    uint8_t *data = (uint8_t *)b + ring_offset[h];
    uint32_t me = warp_info()->pid;
    size_t done = 0;
    long err = 0;
    lock(r);
    while (done < len) {
        if (r->closed == 2) { err = WARP_EPIPE; break; }
        uint32_t chunk = len - done > 0x40000000 ? 0x40000000 : (uint32_t)(len - done);
        uint32_t n = warp_ring_put(r, data, ring_size[h], (const uint8_t *)buf + done, chunk);
        if (n == WARP_RING_BROKEN) { err = WARP_EPIPE; break; }
        if (n) { done += n; wake_host(b); continue; }
        uint32_t seen = r->tail;
        r->writer_waiting = me;
        if (warp_ring_used(r, ring_size[h]) == ring_size[h]) {
            struct warp_wait w = { (uint64_t)&r->tail, seen, 0 };
            wake_host(b);
            warp_wait(&w, 1, WARP_WAIT_FOREVER);
        }
        r->writer_waiting = 0;
    }
    unlock(r);
    return done ? (long)done : err;
}

long warp_read(int h, void *buf, size_t len) {
    if (h != WARP_STDIN) return WARP_EINVAL;
    if ((uint64_t)buf < WARP_USER_BASE || (uint64_t)buf > WARP_USER_END || len > WARP_USER_END - (uint64_t)buf)
        return WARP_EFAULT;
    if (!has_stdio()) return 0;
    struct warp_stdio_block *b = warp_stdio();
    volatile struct warp_ring *r = &b->ring[WARP_STDIN];
    const uint8_t *data = (const uint8_t *)b + WARP_STDIO_STDIN_OFFSET;
    uint32_t me = warp_info()->pid;
    if (len > 0x40000000) len = 0x40000000;
    for (;;) {
        uint32_t closed = __atomic_load_n(&r->closed, __ATOMIC_ACQUIRE);
        uint32_t n = warp_ring_get(r, data, WARP_STDIO_STDIN_SIZE, buf, (uint32_t)len);
        if (n == WARP_RING_BROKEN) return WARP_EPIPE;
        if (n) { wake_host(b); return n; }
        if (closed == 1) return 0;
        uint32_t seen = r->head;
        r->reader_waiting = me;
        if (seen == r->tail && !r->closed) {
            struct warp_wait w = { (uint64_t)&r->head, seen, 0 };
            warp_wait(&w, 1, WARP_WAIT_FOREVER);
        }
        r->reader_waiting = 0;
    }
}

long warp_close(int h) {
    if (h < 0 || h > 2) return WARP_EINVAL;
    if (!has_stdio()) return 0;
    struct warp_stdio_block *b = warp_stdio();
    b->ring[h].closed = h == WARP_STDIN ? 2 : 1;
    wake_host(b);
    return 0;
}
