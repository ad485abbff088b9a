/*
 * Byte rings of the stdio block, shared by a program, its children and the agent. One writer side
 * and one reader side; indices are free-running 32-bit counters, so used = head - tail. The reader
 * of a ring must not trust the ring's size or data offset in shared memory (the other side can
 * write them): every function takes the data pointer and size from the caller's own copy, and
 * treats head - tail > size as a broken ring.
 */
#ifndef WARP_RING_H
#define WARP_RING_H

#include <stdint.h>
#include "../warp.h"

#define WARP_RING_BROKEN 0xFFFFFFFFu

static inline void warp_ring_copy(uint8_t *d, const uint8_t *s, uint32_t n) {
    /* rep movsb: small code, fast at CPL 3, one instruction for the CPL 0 emulator */
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
}

/* Bytes that can be read now, or WARP_RING_BROKEN. */
static inline uint32_t warp_ring_used(volatile struct warp_ring *r, uint32_t size) {
    uint32_t used = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) - r->tail;
    return used > size ? WARP_RING_BROKEN : used;
}

/* Appends up to n bytes; returns how many (0 when full), or WARP_RING_BROKEN. */
static inline uint32_t warp_ring_put(volatile struct warp_ring *r, uint8_t *data, uint32_t size,
                                     const void *src, uint32_t n) {
    uint32_t head = r->head;
    uint32_t used = head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
    if (used > size) return WARP_RING_BROKEN;
    uint32_t space = size - used;
    if (n > space) n = space;
    if (n == 0) return 0;
    uint32_t at = head & (size - 1);
    uint32_t first = size - at < n ? size - at : n;
    warp_ring_copy(data + at, (const uint8_t *)src, first);
    if (n > first) warp_ring_copy(data, (const uint8_t *)src + first, n - first);
    __atomic_store_n(&r->head, head + n, __ATOMIC_RELEASE);
    return n;
}

/* Takes up to n bytes; returns how many (0 when empty), or WARP_RING_BROKEN. */
static inline uint32_t warp_ring_get(volatile struct warp_ring *r, const uint8_t *data, uint32_t size,
                                     void *dst, uint32_t n) {
    uint32_t tail = r->tail;
    uint32_t used = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) - tail;
    if (used > size) return WARP_RING_BROKEN;
    if (n > used) n = used;
    if (n == 0) return 0;
    uint32_t at = tail & (size - 1);
    uint32_t first = size - at < n ? size - at : n;
    warp_ring_copy((uint8_t *)dst, data + at, first);
    if (n > first) warp_ring_copy((uint8_t *)dst + first, data, n - first);
    __atomic_store_n(&r->tail, tail + n, __ATOMIC_RELEASE);
    return n;
}

#endif
