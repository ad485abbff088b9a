/*
 * The local APIC timer (xAPIC MMIO at 0xFEE00000) and the TSC's frequency. Both backends run the
 * APIC timer at 1 GHz (one count per nanosecond, divide-by-1), which is what the calibration
 * of the TSC relies on when CPUID does not state the TSC's frequency.
 */
#include "kernel.h"

#define LAPIC 0xFEE00000UL
#define APIC_HZ 1000000000ULL

static inline volatile uint32_t *reg(unsigned off) { return (volatile uint32_t *)(LAPIC + off); }

void lapic_eoi(void) { *reg(0xB0) = 0; }

void lapic_init(void) {
    /* Device interrupts must not reach the CPU through the legacy path: KVM resets the BSP's LINT0
       to ExtINT and its unprogrammed 8259 delivers IRQ n as vector n, which would look like
       exception n (the virtio line, IRQ 5, as #BR). The kernel polls devices instead. */
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
    *reg(0x350) = 0x10000;                    /* LINT0 masked */
    *reg(0x360) = 0x10000;                    /* LINT1 masked */
    *reg(0xF0) = 0x1FF;                       /* software enable, spurious vector 0xFF */
    *reg(0x3E0) = 0xB;                        /* divide by 1 */
    *reg(0x320) = 32 | (1u << 17);            /* periodic, vector 32 */
    *reg(0x380) = (uint32_t)(APIC_HZ / TICK_HZ);
}

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

uint64_t tsc_calibrate(void) {
    uint32_t a, b, c, d, max;
    cpuid(0, &max, &b, &c, &d);
    if (max >= 0x15) {
        cpuid(0x15, &a, &b, &c, &d);
        if (a && b && c) return (uint64_t)c * b / a;
    }
    /* count the TSC over ~2 ms of APIC timer counts (one-shot, masked) */
    *reg(0x3E0) = 0xB;
    *reg(0x320) = 0x10000 | 32;
    *reg(0x380) = 0xFFFFFFFF;
    uint32_t c0 = *reg(0x390);
    uint64_t t0 = rdtsc();
    uint32_t c1;
    uint64_t t1;
    do {
        c1 = *reg(0x390);
        t1 = rdtsc();
    } while (c0 - c1 < 2000000);
    return (t1 - t0) * APIC_HZ / (c0 - c1);
}
