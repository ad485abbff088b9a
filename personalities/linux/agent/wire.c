/* Byte buffers and the little-endian encoding of control-plane frames. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "agent.h"

void buf_append(struct buf *b, const void *p, size_t n)
{
    memcpy(buf_reserve(b, n), p, n);
    b->len += n;
}

uint8_t *buf_reserve(struct buf *b, size_t n)
{
    if (b->off > 0 && b->off == b->len) {
        b->off = b->len = 0;
    }
    if (b->len + n > b->cap) {
        /* Compact before growing so a steadily drained queue does not creep upwards. */
        if (b->off > 0) {
            memmove(b->data, b->data + b->off, b->len - b->off);
            b->len -= b->off;
            b->off = 0;
        }
        if (b->len + n > b->cap) {
            size_t cap = b->cap ? b->cap : 4096;
            while (cap < b->len + n)
                cap *= 2;
            uint8_t *d = realloc(b->data, cap);
            if (!d) {
                say("out of memory growing a buffer to %zu bytes", cap);
                abort();
            }
            b->data = d;
            b->cap = cap;
        }
    }
    return b->data + b->len;
}

void buf_commit(struct buf *b, size_t n)
{
    b->len += n;
}

void buf_consume(struct buf *b, size_t n)
{
    b->off += n;
    if (b->off >= b->len)
        b->off = b->len = 0;
}

size_t buf_pending(const struct buf *b)
{
    return b->len - b->off;
}

void buf_free(struct buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static const uint8_t *take(struct reader *r, size_t n)
{
    if (r->short_payload || r->len - r->pos < n) {
        r->short_payload = 1;
        return NULL;
    }
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}

uint8_t rd_u8(struct reader *r)
{
    const uint8_t *p = take(r, 1);
    return p ? p[0] : 0;
}

uint16_t rd_u16(struct reader *r)
{
    const uint8_t *p = take(r, 2);
    return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

uint32_t rd_u32(struct reader *r)
{
    const uint8_t *p = take(r, 4);
    return p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24 : 0;
}

uint64_t rd_u64(struct reader *r)
{
    uint64_t lo = rd_u32(r);
    uint64_t hi = rd_u32(r);
    return lo | hi << 32;
}

char *rd_str(struct reader *r)
{
    uint32_t n = rd_u32(r);
    const uint8_t *p = take(r, n);
    if (!p)
        return NULL;
    char *s = xmalloc((size_t)n + 1);
    memcpy(s, p, n);
    s[n] = 0;
    return s;
}

char **rd_str_list(struct reader *r)
{
    uint32_t count = rd_u32(r);
    /* Every item needs at least its 4-byte length, which bounds the allocation by the payload. */
    if (r->short_payload || count > (r->len - r->pos) / 4) {
        r->short_payload = 1;
        return NULL;
    }
    char **list = xmalloc(((size_t)count + 1) * sizeof *list);
    for (uint32_t i = 0; i < count; i++) {
        list[i] = rd_str(r);
        if (!list[i]) {
            list[i] = NULL;
            free_str_list(list);
            return NULL;
        }
    }
    list[count] = NULL;
    return list;
}

void free_str_list(char **list)
{
    if (!list)
        return;
    for (char **p = list; *p; p++)
        free(*p);
    free(list);
}

void put_u8(struct buf *b, uint8_t v)
{
    buf_append(b, &v, 1);
}

void put_u16(struct buf *b, uint16_t v)
{
    uint8_t p[2] = { v, v >> 8 };
    buf_append(b, p, 2);
}

void put_u32(struct buf *b, uint32_t v)
{
    uint8_t p[4] = { v, v >> 8, v >> 16, v >> 24 };
    buf_append(b, p, 4);
}

void put_u64(struct buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

void put_bytes(struct buf *b, const void *p, uint32_t n)
{
    put_u32(b, n);
    buf_append(b, p, n);
}

void put_str(struct buf *b, const char *s)
{
    put_bytes(b, s, (uint32_t)strlen(s));
}

void store_u32(uint8_t *at, uint32_t v)
{
    at[0] = (uint8_t)v;
    at[1] = (uint8_t)(v >> 8);
    at[2] = (uint8_t)(v >> 16);
    at[3] = (uint8_t)(v >> 24);
}

void encode_header(uint8_t at[FRAME_HEADER], uint32_t length, uint16_t type, uint8_t channel, uint8_t flags,
                   uint32_t stream)
{
    store_u32(at, length);
    at[4] = (uint8_t)type;
    at[5] = (uint8_t)(type >> 8);
    at[6] = channel;
    at[7] = flags;
    store_u32(at + 8, stream);
}
