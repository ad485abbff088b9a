/* printf-lite: %d %i %u %x %lx %llu %s %.*s %c %p %%, width, zero padding, %-Ns. */
#include <stdarg.h>
#include "warp.h"

struct out { char *buf; size_t n, at; };

static void put(struct out *o, char c) {
    if (o->at + 1 < o->n) o->buf[o->at] = c;
    o->at++;
}

static void put_num(struct out *o, uint64_t v, unsigned base, int width, char pad, int neg) {
    char tmp[24];
    int i = 0;
    do { tmp[i++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    if (neg && pad == '0') { put(o, '-'); width--; }
    while (i < width - (neg && pad != '0')) tmp[i++] = pad;
    if (neg && pad != '0') put(o, '-');
    while (i) put(o, tmp[--i]);
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap) {
    struct out o = { buf, n, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') { put(&o, *fmt); continue; }
        fmt++;
        char pad = ' ';
        int width = 0, lng = 0, left = 0;
        if (*fmt == '-') { left = 1; fmt++; }
        if (*fmt == '0') { pad = '0'; fmt++; }
        int prec = -1;
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') { prec = va_arg(ap, int); fmt++; }
            else while (*fmt >= '0' && *fmt <= '9') prec = prec * 10 + (*fmt++ - '0');
        }
        while (*fmt == 'l' || *fmt == 'z') { lng = 1; fmt++; }
        switch (*fmt) {
        case 'd': case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            put_num(&o, v < 0 ? (uint64_t)-v : (uint64_t)v, 10, width, pad, v < 0);
            break;
        }
        case 'u': put_num(&o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad, 0); break;
        case 'x': put_num(&o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad, 0); break;
        case 'p': put(&o, '0'); put(&o, 'x'); put_num(&o, (uint64_t)va_arg(ap, void *), 16, width, pad, 0); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            int l = 0;
            while ((prec < 0 || l < prec) && s[l]) l++;
            for (int k = l; k < width && !left; k++) put(&o, ' ');
            for (int k = 0; k < l; k++) put(&o, s[k]);
            for (int k = l; k < width && left; k++) put(&o, ' ');
            break;
        }
        case 'c': put(&o, (char)va_arg(ap, int)); break;
        case '%': put(&o, '%'); break;
        default: put(&o, '%'); put(&o, *fmt); break;
        }
    }
    if (n) buf[o.at < n ? o.at : n - 1] = 0;
    return (int)o.at;
}

int snprintf(char *buf, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

static int vprint(int h, const char *fmt, va_list ap) {
    char buf[1024];
    int r = vsnprintf(buf, sizeof buf, fmt, ap);
    long w = warp_write(h, buf, r < (int)sizeof buf ? (size_t)r : sizeof buf - 1);
    return w < 0 ? (int)w : r;
}

int printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vprint(WARP_STDOUT, fmt, ap);
    va_end(ap);
    return r;
}

int eprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vprint(WARP_STDERR, fmt, ap);
    va_end(ap);
    return r;
}

int puts(const char *s) {
    long r = warp_write(WARP_STDOUT, s, strlen(s));
    if (r >= 0) r = warp_write(WARP_STDOUT, "\n", 1);
    return r < 0 ? (int)r : 0;
}
