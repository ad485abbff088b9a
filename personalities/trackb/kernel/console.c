/*
 * The UART console (16550 at 0x3F8). Every port write is a VM exit, so the kernel prints little and
 * does not poll the line status register: both backends' UARTs take a byte at any time.
 */
#include <stdarg.h>
#include "kernel.h"

#define UART 0x3F8

void kputs(const char *s) {
    for (; *s; s++) {
        if (*s == '\n') outb(UART, '\r');
        outb(UART, (uint8_t)*s);
    }
}

struct out { char *buf; size_t n, at; };

static void put(struct out *o, char c) {
    if (o->at + 1 < o->n) o->buf[o->at] = c;
    o->at++;
}

static void put_num(struct out *o, uint64_t v, unsigned base, int width, char pad) {
    char tmp[24];
    int i = 0;
    do { tmp[i++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
    while (i < width) tmp[i++] = pad;
    while (i) put(o, tmp[--i]);
}

static void format(struct out *o, const char *fmt, va_list ap) {
    for (; *fmt; fmt++) {
        if (*fmt != '%') { put(o, *fmt); continue; }
        fmt++;
        char pad = ' ';
        int width = 0, lng = 0;
        if (*fmt == '0') { pad = '0'; fmt++; }
        while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') { lng = 1; fmt++; }
        switch (*fmt) {
        case 'd': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (v < 0) { put(o, '-'); v = -v; }
            put_num(o, (uint64_t)v, 10, width, pad);
            break;
        }
        case 'u': put_num(o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad); break;
        case 'x': put_num(o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad); break;
        case 's': { const char *s = va_arg(ap, const char *); if (!s) s = "(null)"; while (*s) put(o, *s++); break; }
        case 'c': put(o, (char)va_arg(ap, int)); break;
        default: put(o, '%'); put(o, *fmt); break;
        }
    }
    if (o->n) o->buf[o->at < o->n ? o->at : o->n - 1] = 0;
}

int ksnprintf(char *buf, size_t n, const char *fmt, ...) {
    struct out o = { buf, n, 0 };
    va_list ap;
    va_start(ap, fmt);
    format(&o, fmt, ap);
    va_end(ap);
    return (int)o.at;
}

void kprintf(const char *fmt, ...) {
    char buf[256];
    struct out o = { buf, sizeof buf, 0 };
    va_list ap;
    va_start(ap, fmt);
    format(&o, fmt, ap);
    va_end(ap);
    kputs(buf);
}

void power_off(int code) {
    (void)code;
    outl(0xF4, 0);
    outb(0x64, 0xFE);   /* no power-off device: reset instead */
    for (;;) __asm__ volatile("cli; hlt");
}

void panic(const char *fmt, ...) {
    char buf[256];
    struct out o = { buf, sizeof buf, 0 };
    va_list ap;
    va_start(ap, fmt);
    format(&o, fmt, ap);
    va_end(ap);
    kputs("warp-kernel: panic: ");
    kputs(buf);
    kputs("\n");
    power_off(1);
}
