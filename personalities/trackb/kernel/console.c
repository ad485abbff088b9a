/*
 * The UART console (16550 at 0x3F8). Every port write is a VM exit (12-20 us on kvm_pvm), so the
 * kernel prints little, does not poll the line status register (both backends' UARTs take a byte
 * at any time), and does not write while anything is runnable: kputs queues the bytes and the idle
 * loop sends them, so console lines never delay the boot or a program. A panic or a power-off
 * sends what is queued first.
 */
#include <stdarg.h>
#include "kernel.h"

#define UART 0x3F8
#define CONSOLE_BUF 4096

static char cbuf[CONSOLE_BUF];
static volatile uint32_t chead, ctail;   /* written by console_write (interrupts off) and the idle loop */
static void (*idle_job)(void);

static void uart_put(char c) {
    if (c == '\n') outb(UART, '\r');
    outb(UART, (uint8_t)c);
}

static void console_flush(void) {
    while (ctail != chead) uart_put(cbuf[ctail++ % CONSOLE_BUF]);
}

/* Queues n bytes (at most two copies); when they do not fit, what is queued goes out first. */
void console_write(const char *s, size_t n) {
    if (n > CONSOLE_BUF) { console_flush(); while (n > CONSOLE_BUF) { uart_put(*s++); n--; } }
    if (CONSOLE_BUF - (chead - ctail) < n) console_flush();
    uint32_t at = chead % CONSOLE_BUF, first = CONSOLE_BUF - at < n ? CONSOLE_BUF - at : (uint32_t)n;
    kmemcpy(cbuf + at, s, first);
    kmemcpy(cbuf, s + first, n - first);
    chead += (uint32_t)n;
}

void kputs(const char *s) {
    const char *e = s;
    size_t n = ~(size_t)0;
    __asm__ volatile("repne scasb" : "+D"(e), "+c"(n) : "a"(0) : "memory");
    console_write(s, (size_t)(e - s) - 1);
}

void console_idle_job(void (*job)(void)) { idle_job = job; }

/* Runs at CPL 0 with interrupts on whenever nothing is runnable; an interrupt may come between two
   bytes. The check and the halt are one step (sti's shadow covers hlt), so bytes queued by the
   code an interrupt ran are never left behind a halt. A job (the boot banner: formatting costs
   hundreds of emulated instructions) runs here too, with interrupts on, before the bytes. */
void idle_loop(void) {
    for (;;) {
        __asm__ volatile("cli" ::: "memory");
        void (*job)(void) = idle_job;
        idle_job = 0;
        if (job) {
            __asm__ volatile("sti" ::: "memory");
            job();
        } else if (ctail != chead) {
            char c = cbuf[ctail % CONSOLE_BUF];
            ctail++;
            __asm__ volatile("sti" ::: "memory");
            uart_put(c);
        } else {
            __asm__ volatile("sti; hlt" ::: "memory");
        }
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
        case '%': put(o, '%'); break;
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
    console_flush();
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
    console_flush();
    kputs("warp-kernel: panic: ");
    kputs(buf);
    kputs("\n");
    power_off(1);
}
