/*
 * Interrupts and time: the local APIC (xAPIC MMIO at 0xFEE00000), its timer as a one-shot armed
 * for the next thing that is due (no periodic tick), the IOAPIC pins of the virtio-mmio slots,
 * and the TSC's frequency. Both backends run the APIC timer at 1 GHz (one count per nanosecond,
 * divide-by-1), which the one-shot counts and the TSC calibration rely on.
 */
#include "kernel.h"

#define LAPIC 0xFEE00000UL
#define IOAPIC 0xFEC00000UL
#define APIC_HZ 1000000000ULL
#define VIRTIO_WINDOW 0xFEB00000UL
#define VIRTIO_FIRST_PIN 5

static inline volatile uint32_t *reg(unsigned off) { return (volatile uint32_t *)(LAPIC + off); }

void lapic_eoi(void) { *reg(0xB0) = 0; }

void lapic_timer_ns(uint64_t ns) {
    *reg(0x380) = ns > 0xFFFFFFFFULL ? 0xFFFFFFFFu : (uint32_t)ns;
}

void lapic_init(void) {
    /* Device interrupts must not reach the CPU through the legacy path: KVM resets the BSP's LINT0
       to ExtINT and an unprogrammed 8259 delivers IRQ n as vector n, which would look like
       exception n (the virtio line, IRQ 5, as #BR). They come through the IOAPIC instead. */
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
    *reg(0x350) = 0x10000;                    /* LINT0 masked */
    *reg(0x360) = 0x10000;                    /* LINT1 masked */
    *reg(0xF0) = 0x1FF;                       /* software enable, spurious vector 0xFF */
    /* the timer keeps counting for tsc_calibrate_end, which then makes it the one-shot */
}

static void ioapic_write(unsigned index, uint32_t v) {
    *(volatile uint32_t *)IOAPIC = index;
    *(volatile uint32_t *)(IOAPIC + 0x10) = v;
}

/* Slot n of the virtio-mmio window raises IOAPIC pin 5 + n, level-triggered, active high, on
   WARP's monitor and on QEMU's microvm (VIRTIO-MMIO-CHANNEL.md §1). Each pin gets its own vector,
   so the handler knows which slot to acknowledge; empty slots never raise theirs. */
void ioapic_init(void) {
    uint32_t apic_id = *reg(0x20) >> 24;
    for (unsigned n = 0; n < VIRTIO_SLOTS; n++) {
        unsigned pin = VIRTIO_FIRST_PIN + n;
        if (apic_id) ioapic_write(0x11 + 2 * pin, apic_id << 24);   /* the destination resets to 0 */
        ioapic_write(0x10 + 2 * pin, (VEC_VIRTIO + n) | (1u << 15));
    }
}

/* The agent drives the device and ignores InterruptStatus; the kernel acknowledges both causes
   (used buffer, configuration change) so the level-triggered line drops before the EOI. */
void virtio_ack(unsigned slot) {
    *(volatile uint32_t *)(VIRTIO_WINDOW + slot * 0x200 + 0x64) = 3;
}

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static uint32_t cal_count0;
static uint64_t cal_tsc0;

/* The TSC is counted against the APIC timer while the kernel boots, so the calibration costs no
   waiting of its own unless the boot took less than 2 ms. */
void tsc_calibrate_start(void) {
    *reg(0x3E0) = 0xB;                        /* divide by 1 */
    *reg(0x320) = 0x10000 | VEC_TIMER;        /* masked, one-shot */
    *reg(0x380) = 0xFFFFFFFF;
    cal_count0 = *reg(0x390);
    cal_tsc0 = rdtsc();
}

/* The TSC's frequency (CPUID when it states it), and the timer left as a stopped one-shot. */
uint64_t tsc_calibrate_end(void) {
    uint32_t a, b, c, d, max;
    uint64_t hz = 0;
    cpuid(0, &max, &b, &c, &d);
    if (max >= 0x15) {
        cpuid(0x15, &a, &b, &c, &d);
        if (a && b && c) hz = (uint64_t)c * b / a;
    }
    if (!hz) {   /* hypervisors that state it: leaf 0x40000010 EAX = TSC kHz */
        cpuid(0x40000000, &max, &b, &c, &d);
        if (max >= 0x40000010 && max < 0x40000100) {
            cpuid(0x40000010, &a, &b, &c, &d);
            hz = (uint64_t)a * 1000;
        }
    }
    if (!hz) {
        uint32_t c1;
        uint64_t t1;
        do {
            c1 = *reg(0x390);
            t1 = rdtsc();
        } while (cal_count0 - c1 < 2000000);
        hz = (t1 - cal_tsc0) * APIC_HZ / (cal_count0 - c1);
    }
    *reg(0x380) = 0;
    *reg(0x320) = VEC_TIMER;                  /* one-shot, stopped until armed */
    return hz;
}
