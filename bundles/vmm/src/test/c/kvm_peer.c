/*
 * The benchmark peer of VmmBenchmark: the same guest and the same ioctls in plain C, so the table shows what
 * the Java monitor adds. Measures VM create (+2 MiB memfd memory, slot, vCPU) and destroy, and the port-IO exit
 * round trip of `1: mov $0x3f0,%dx; out %al,(%dx); jmp 1b` at CPL 3 and CPL 0, with the same page tables, GDT
 * and TSS layout as the Java test guest. Build: gcc -O2 -o kvm_peer kvm_peer.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MEM (2u << 20)
#define GDT 0x1000
#define TSS 0x2000
#define PML4 0x10000
#define CODE 0x100000
#define STACK 0x1f0000

static void die(const char *what) { perror(what); exit(1); }
static long now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000L + t.tv_nsec; }
static int cmp(const void *a, const void *b) { long x = *(const long *)a, y = *(const long *)b; return (x > y) - (x < y); }
static void row(const char *name, long *s, int n) {
    qsort(s, n, sizeof *s, cmp);
    printf("| C peer: %s | %.1f µs | %.1f µs | %d |\n", name, s[n / 2] / 1000.0, s[n * 9 / 10] / 1000.0, n);
}

struct vm { int vm, cpu, memfd; uint8_t *mem; struct kvm_run *run; int runsize; };

static void create(int kvm, struct vm *v) {
    v->memfd = memfd_create("peer", MFD_CLOEXEC);
    if (v->memfd < 0 || ftruncate(v->memfd, MEM) < 0) die("memfd");
    v->mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_SHARED, v->memfd, 0);
    if (v->mem == MAP_FAILED) die("mmap");
    if ((v->vm = ioctl(kvm, KVM_CREATE_VM, 0)) < 0) die("KVM_CREATE_VM");
    struct kvm_userspace_memory_region r = {.slot = 0, .guest_phys_addr = 0, .memory_size = MEM, .userspace_addr = (uintptr_t)v->mem};
    if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &r) < 0) die("KVM_SET_USER_MEMORY_REGION");
    if ((v->cpu = ioctl(v->vm, KVM_CREATE_VCPU, 0)) < 0) die("KVM_CREATE_VCPU");
    v->runsize = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    v->run = mmap(NULL, v->runsize, PROT_READ | PROT_WRITE, MAP_SHARED, v->cpu, 0);
    if (v->run == MAP_FAILED) die("mmap kvm_run");
}

static void destroy(struct vm *v) {
    munmap(v->run, v->runsize);
    close(v->cpu);
    close(v->vm);
    munmap(v->mem, MEM);
    close(v->memfd);
}

static struct kvm_segment seg(uint16_t sel, int type, int s, int dpl, int l, int db, uint64_t base, uint32_t limit, int g) {
    struct kvm_segment x = {.base = base, .limit = limit, .selector = sel, .type = type, .present = 1, .dpl = dpl,
                            .db = db, .s = s, .l = l, .g = g};
    return x;
}

static void longmode(int kvm, struct vm *v, int cpl) {
    static const uint8_t code[] = {0x66, 0xba, 0xf0, 0x03, 0xee, 0xeb, 0xf9};
    uint64_t *q = (uint64_t *)v->mem;
    memcpy(v->mem + CODE, code, sizeof code);
    uint64_t user = cpl == 3 ? 4 : 0;
    q[PML4 / 8] = (PML4 + 0x1000) | 7;
    q[(PML4 + 0x1000) / 8] = (PML4 + 0x2000) | 7;
    q[(PML4 + 0x2000) / 8] = 0x83 | user; /* one 2 MiB page */
    uint64_t gdt[8] = {0, 0x00AF9B000000FFFF, 0x00CF93000000FFFF, 0x00CFFB000000FFFF, 0x00CFF3000000FFFF,
                       0x00AFFB000000FFFF, 0, 0};
    uint32_t tsslimit = 104 + 8192;
    gdt[6] = (tsslimit & 0xFFFF) | ((uint64_t)TSS << 16) | (0x89ULL << 40);
    memcpy(v->mem + GDT, gdt, sizeof gdt);
    memset(v->mem + TSS, 0, 104);
    *(uint16_t *)(v->mem + TSS + 102) = 104;
    memset(v->mem + TSS + 104, 0xFF, 8193);
    v->mem[TSS + 104 + 0x3f0 / 8] = 0; /* ports 0x3f0-0x3f7 */

    struct kvm_cpuid2 *cpuid = calloc(1, sizeof *cpuid + 256 * sizeof(struct kvm_cpuid_entry2));
    cpuid->nent = 256;
    if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid) < 0 || ioctl(v->cpu, KVM_SET_CPUID2, cpuid) < 0) die("cpuid");
    free(cpuid);
    struct kvm_sregs s;
    if (ioctl(v->cpu, KVM_GET_SREGS, &s) < 0) die("KVM_GET_SREGS");
    int cs = cpl ? 0x2b : 0x08, ds = cpl ? 0x23 : 0x10;
    s.cs = seg(cs, 0xB, 1, cpl, 1, 0, 0, 0xFFFFFFFF, 1);
    s.ss = s.ds = s.es = s.fs = s.gs = seg(ds, 0x3, 1, cpl, 0, 1, 0, 0xFFFFFFFF, 1);
    s.tr = seg(0x30, 0xB, 0, 0, 0, 0, TSS, tsslimit, 0);
    s.ldt = seg(0, 0x2, 0, 0, 0, 0, 0, 0, 0);
    s.ldt.present = 0;
    s.ldt.unusable = 1;
    s.gdt.base = GDT;
    s.gdt.limit = 63;
    s.idt.base = 0;
    s.idt.limit = 0;
    s.cr0 = 0x80010033;
    s.cr3 = PML4;
    s.cr4 = 0x620;
    s.efer = 0xD00;
    if (ioctl(v->cpu, KVM_SET_SREGS, &s) < 0) die("KVM_SET_SREGS");
    struct kvm_regs r = {.rip = CODE, .rsp = STACK, .rflags = 2};
    if (ioctl(v->cpu, KVM_SET_REGS, &r) < 0) die("KVM_SET_REGS");
}

int main(void) {
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) die("/dev/kvm");
    enum { N = 200 };
    long c[N], d[N];
    for (int i = 0; i < N; i++) {
        struct vm v;
        long t0 = now();
        create(kvm, &v);
        long t1 = now();
        destroy(&v);
        c[i] = t1 - t0;
        d[i] = now() - t1;
    }
    row("VM create (memfd 2 MiB + slot + 1 vCPU)", c + 20, N - 20);
    row("VM destroy (2 MiB)", d + 20, N - 20);
    for (int cpl = 3; cpl >= 0; cpl -= 3) {
        struct vm v;
        create(kvm, &v);
        longmode(kvm, &v, cpl);
        int n = cpl ? 50000 : 20000;
        long *t = malloc(n * sizeof *t);
        for (int i = 0; i < n; i++) {
            long t0 = now();
            if (ioctl(v.cpu, KVM_RUN, 0) < 0) die("KVM_RUN");
            t[i] = now() - t0;
            if (v.run->exit_reason != KVM_EXIT_IO || v.run->io.port != 0x3f0) {
                fprintf(stderr, "unexpected exit %u\n", v.run->exit_reason);
                return 1;
            }
        }
        char name[80];
        snprintf(name, sizeof name, "port-IO exit round trip, guest at CPL %d", cpl);
        row(name, t + n / 5, n - n / 5);
        free(t);
        destroy(&v);
    }
    return 0;
}
