/*
 * The guest of VirtioBlockKvmTest: a freestanding long-mode program entered by the elf64 boot method
 * at CPL 0. It drives the virtio-blk device in virtio-mmio slot 1 the way a driver does (virtio 1.x
 * §3.1.1 initialisation, one split virtqueue, §5.2.6 requests), polling the used ring instead of
 * taking interrupts, and reports on COM1:
 *   id <DeviceID> capacity <sectors>
 *   read 3 status <s> sum <weighted sum of the sector's 512 bytes> text <the sector's leading text>
 *   write 5 status <s>
 *   flush status <s>
 * then powers off with 0x600d, or with 0xbad0 | step after the first thing that went wrong.
 * Sector 5 is written as "guest read: " + sector 3's leading text, NUL, then byte i = i * 7 (mod 256).
 * Only general registers (no SSE: kvm_pvm emulates CPL 0 and rejects SSE moves) and compiler barriers
 * (x86 keeps stores in order, and the device serves a notification before the notifying write returns).
 */
#include <stdint.h>

#define SLOT1 0xFEB00200UL
#define COM1 0x3F8
#define POWER_OFF 0xF4
#define QSIZE 8

#define MAGIC_VALUE 0x000
#define VERSION 0x004
#define DEVICE_ID 0x008
#define DEVICE_FEATURES 0x010
#define DEVICE_FEATURES_SEL 0x014
#define DRIVER_FEATURES 0x020
#define DRIVER_FEATURES_SEL 0x024
#define QUEUE_SEL 0x030
#define QUEUE_NUM_MAX 0x034
#define QUEUE_NUM 0x038
#define QUEUE_READY 0x044
#define QUEUE_NOTIFY 0x050
#define STATUS 0x070
#define QUEUE_DESC_LOW 0x080
#define QUEUE_DESC_HIGH 0x084
#define QUEUE_DRIVER_LOW 0x090
#define QUEUE_DRIVER_HIGH 0x094
#define QUEUE_DEVICE_LOW 0x0A0
#define QUEUE_DEVICE_HIGH 0x0A4
#define CONFIG 0x100

#define S_ACKNOWLEDGE 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define F_FLUSH (1u << 9)

#define DESC_NEXT 1
#define DESC_WRITE 2
#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4

struct desc { uint64_t addr; uint32_t len; uint16_t flags; uint16_t next; };
struct avail { uint16_t flags; uint16_t idx; uint16_t ring[QSIZE]; uint16_t used_event; };
struct used_elem { uint32_t id; uint32_t len; };
struct used { uint16_t flags; uint16_t idx; struct used_elem ring[QSIZE]; uint16_t avail_event; };
struct request { uint32_t type; uint32_t reserved; uint64_t sector; };

static struct desc descs[QSIZE] __attribute__((aligned(4096)));
static struct avail avail __attribute__((aligned(4096)));
static volatile struct used used __attribute__((aligned(4096)));
static struct request header;
static uint8_t sector[512] __attribute__((aligned(512)));
static volatile uint8_t status;

__asm__(".section .text.start, \"ax\"\n"
        ".globl _start\n"
        "_start:\n"
        "    lea stack_top(%rip), %rsp\n"
        "    call guest_main\n"
        "1:  hlt\n"
        "    jmp 1b\n"
        ".section .bss\n"
        ".balign 16\n"
        "    .skip 8192\n"
        "stack_top:\n"
        ".previous\n");

#define barrier() __asm__ volatile("" ::: "memory")

static void outb(uint16_t port, uint8_t value) { __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port)); }
static void outl(uint16_t port, uint32_t value) { __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port)); }
static uint32_t mmio_read(unsigned offset) { return *(volatile uint32_t *)(SLOT1 + offset); }
static void mmio_write(unsigned offset, uint32_t value) { *(volatile uint32_t *)(SLOT1 + offset) = value; }

static void print(const char *s) {
    while (*s) {
        outb(COM1, (uint8_t)*s++);
    }
}

static void putdec(uint64_t value) {
    char digits[21];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (n) {
        outb(COM1, (uint8_t)digits[--n]);
    }
}

static __attribute__((noreturn)) void power_off(uint32_t code) {
    outl(POWER_OFF, code);
    for (;;) {
        __asm__ volatile("hlt");
    }
}

static void check(int ok, uint32_t step) {
    if (!ok) {
        print("failed at step ");
        putdec(step);
        print("\n");
        power_off(0xbad0 | step);
    }
}

/* Puts header, optional data and status on the queue as one chain, notifies, waits for the device. */
static uint8_t submit(uint32_t type, uint64_t sector_number, int data, int device_writes_data) {
    static uint16_t next_avail;
    header.type = type;
    header.reserved = 0;
    header.sector = sector_number;
    status = 0xFF;
    int n = 0;
    descs[n] = (struct desc){(uint64_t)(uintptr_t)&header, sizeof header, DESC_NEXT, (uint16_t)(n + 1)};
    n++;
    if (data) {
        descs[n] = (struct desc){(uint64_t)(uintptr_t)sector, sizeof sector,
                                 (uint16_t)(DESC_NEXT | (device_writes_data ? DESC_WRITE : 0)), (uint16_t)(n + 1)};
        n++;
    }
    descs[n] = (struct desc){(uint64_t)(uintptr_t)&status, 1, DESC_WRITE, 0};
    avail.ring[next_avail % QSIZE] = 0;
    barrier();
    avail.idx = ++next_avail;
    barrier();
    mmio_write(QUEUE_NOTIFY, 0);
    while (used.idx != next_avail) {
        barrier();
    }
    check(used.ring[(next_avail - 1) % QSIZE].id == 0, 20);
    return status;
}

void guest_main(void) {
    check(mmio_read(MAGIC_VALUE) == 0x74726976 && mmio_read(VERSION) == 2, 1);
    uint32_t id = mmio_read(DEVICE_ID);
    uint64_t capacity = mmio_read(CONFIG) | (uint64_t)mmio_read(CONFIG + 4) << 32;
    print("id ");
    putdec(id);
    print(" capacity ");
    putdec(capacity);
    print("\n");
    check(id == 2, 2);

    mmio_write(STATUS, 0);
    mmio_write(STATUS, S_ACKNOWLEDGE);
    mmio_write(STATUS, S_ACKNOWLEDGE | S_DRIVER);
    mmio_write(DEVICE_FEATURES_SEL, 1);
    check(mmio_read(DEVICE_FEATURES) & 1, 3); /* VIRTIO_F_VERSION_1 */
    mmio_write(DEVICE_FEATURES_SEL, 0);
    uint32_t low = mmio_read(DEVICE_FEATURES);
    check(low & F_FLUSH, 4);
    mmio_write(DRIVER_FEATURES_SEL, 0);
    mmio_write(DRIVER_FEATURES, F_FLUSH);
    mmio_write(DRIVER_FEATURES_SEL, 1);
    mmio_write(DRIVER_FEATURES, 1);
    mmio_write(STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
    check(mmio_read(STATUS) & S_FEATURES_OK, 5);

    mmio_write(QUEUE_SEL, 0);
    check(mmio_read(QUEUE_NUM_MAX) >= QSIZE, 6);
    mmio_write(QUEUE_NUM, QSIZE);
    mmio_write(QUEUE_DESC_LOW, (uint32_t)(uintptr_t)descs);
    mmio_write(QUEUE_DESC_HIGH, 0);
    mmio_write(QUEUE_DRIVER_LOW, (uint32_t)(uintptr_t)&avail);
    mmio_write(QUEUE_DRIVER_HIGH, 0);
    mmio_write(QUEUE_DEVICE_LOW, (uint32_t)(uintptr_t)&used);
    mmio_write(QUEUE_DEVICE_HIGH, 0);
    mmio_write(QUEUE_READY, 1);
    avail.flags = 1; /* VIRTQ_AVAIL_F_NO_INTERRUPT: this driver polls */
    mmio_write(STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    check(!(mmio_read(STATUS) & 0x40), 7); /* not DEVICE_NEEDS_RESET */

    uint8_t s = submit(T_IN, 3, 1, 1);
    uint32_t sum = 0;
    for (int i = 0; i < 512; i++) {
        sum += (uint32_t)sector[i] * (uint32_t)(i + 1);
    }
    print("read 3 status ");
    putdec(s);
    print(" sum ");
    putdec(sum);
    print(" text ");
    int text = 0;
    while (text < 64 && sector[text] >= ' ' && sector[text] < 0x7F) {
        outb(COM1, sector[text++]);
    }
    print("\n");
    check(s == 0, 8);

    static const char prefix[] = "guest read: ";
    uint8_t copy[64];
    for (int i = 0; i < text; i++) {
        copy[i] = sector[i];
    }
    for (int i = 0; i < 512; i++) {
        sector[i] = (uint8_t)(i * 7);
    }
    int at = 0;
    for (int i = 0; prefix[i]; i++) {
        sector[at++] = (uint8_t)prefix[i];
    }
    for (int i = 0; i < text; i++) {
        sector[at++] = copy[i];
    }
    sector[at] = 0;
    s = submit(T_OUT, 5, 1, 0);
    print("write 5 status ");
    putdec(s);
    print("\n");
    check(s == 0, 9);

    s = submit(T_FLUSH, 0, 0, 0);
    print("flush status ");
    putdec(s);
    print("\n");
    check(s == 0, 10);
    power_off(0x600d);
}
