/*
 * The benchmark's C floor for WARP sandboxes: the same KVM ioctls on the same machine image (the file
 * MachineImageFile writes from the same ELF and layout), with nothing in between.
 *
 *   kvm_sandbox_peer IMAGE cold|warm ITERATIONS FUNCTION INPUT_FILE
 *
 * cold: per iteration create a VM, its memory (a memfd, like WARP's file-backed memory) and a vCPU,
 *       load the image, call once, destroy everything.
 * warm: create once, snapshot the loaded memory into a memfd mapped MAP_PRIVATE; per iteration copy
 *       the input in, set registers, run to the done port, copy the output out, then drop the
 *       private pages (MADV_DONTNEED) so memory is the snapshot again and load the clean FPU/vector
 *       state read from the fresh vCPU (KVM_SET_XSAVE, x87 and SSE marked present), as WARP does.
 * Every call, cold or warm, enters with the general registers and the clean segment registers, as WARP
 * does: handed over in kvm_run (KVM_CAP_SYNC_REGS) where KVM supports it, else KVM_SET_SREGS and
 * KVM_SET_REGS.
 * Prints one "ns <n>" line per iteration and "output <hex>" for the last call.
 */
#define _GNU_SOURCE
#include <errno.h>
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

struct chunk { uint64_t address, length; uint8_t *bytes; };

struct image {
    uint64_t memory, entry, stack_top, input_base, input_cap, output_base, output_cap;
    uint64_t cr0, cr3, cr4, efer, gdt_base, idt_base, tss_base;
    uint32_t gdt_limit, idt_limit, tss_limit, chunk_count, function_count, done_port;
    struct chunk *chunks;
    uint64_t function;
};

struct vm {
    int vm, vcpu, memfd;
    uint8_t *mem;
    struct kvm_run *run;
    size_t run_size;
    struct kvm_xsave clean;
    struct kvm_sregs sregs; /* what every call enters with */
};

static int kvm;
static int sync_regs; /* KVM loads regs and sregs from kvm_run at entry */
static void die(const char *what) {
    fprintf(stderr, "kvm_sandbox_peer: %s: %s\n", what, strerror(errno));
    exit(2);
}

static struct kvm_cpuid2 *cpuid;

/* Read once, set on every vCPU, as the monitor does: hardware KVM refuses EFER.LME/NXE without it. */
static void read_supported_cpuid(void) {
    int n = 256;
    cpuid = calloc(1, sizeof *cpuid + n * sizeof(struct kvm_cpuid_entry2));
    cpuid->nent = n;
    if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) die("KVM_GET_SUPPORTED_CPUID");
}

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t) t.tv_sec * 1000000000ull + t.tv_nsec;
}

static void read_exact(FILE *f, void *p, size_t n) {
    if (fread(p, 1, n, f) != n) {
        fprintf(stderr, "kvm_sandbox_peer: machine image is truncated\n");
        exit(2);
    }
}

static void load_image(const char *path, const char *function, struct image *im) {
    FILE *f = fopen(path, "rb");
    if (!f) die(path);
    char magic[8];
    read_exact(f, magic, 8);
    if (memcmp(magic, "WSBXIMG1", 8)) {
        fprintf(stderr, "kvm_sandbox_peer: %s is not a machine image\n", path);
        exit(2);
    }
    read_exact(f, &im->memory, 14 * 8);
    read_exact(f, &im->gdt_limit, 6 * 4);
    im->chunks = calloc(im->chunk_count, sizeof *im->chunks);
    for (uint32_t i = 0; i < im->chunk_count; i++) {
        read_exact(f, &im->chunks[i].address, 16);
        im->chunks[i].bytes = malloc(im->chunks[i].length);
        read_exact(f, im->chunks[i].bytes, im->chunks[i].length);
    }
    im->function = 0;
    for (uint32_t i = 0; i < im->function_count; i++) {
        uint32_t len;
        char name[256];
        uint64_t address;
        read_exact(f, &len, 4);
        if (len >= sizeof name) exit(2);
        read_exact(f, name, len);
        name[len] = 0;
        read_exact(f, &address, 8);
        if (!strcmp(name, function)) im->function = address;
    }
    fclose(f);
    if (!im->function) {
        fprintf(stderr, "kvm_sandbox_peer: no function '%s'\n", function);
        exit(2);
    }
}

static struct kvm_segment segment(uint16_t selector, uint8_t type, uint8_t dpl, int code) {
    struct kvm_segment s = { .base = 0, .limit = 0xffffffff, .selector = selector, .type = type, .present = 1,
                             .dpl = dpl, .db = code ? 0 : 1, .s = 1, .l = code ? 1 : 0, .g = 1 };
    return s;
}

/* Every field WARP does not set is zero, as in WARP's Sregs. */
static void set_sregs(struct vm *v, const struct image *im) {
    struct kvm_sregs s = { 0 };
    s.cs = segment(0x1b, 11, 3, 1);
    s.ss = s.ds = s.es = s.fs = s.gs = segment(0x23, 3, 3, 0);
    s.tr = (struct kvm_segment){ .base = im->tss_base, .limit = im->tss_limit, .selector = 0x28, .type = 11,
                                 .present = 1 };
    s.ldt = (struct kvm_segment){ .type = 2, .present = 1, .limit = 0xffff };
    s.gdt.base = im->gdt_base;
    s.gdt.limit = im->gdt_limit;
    s.idt.base = im->idt_base;
    s.idt.limit = im->idt_limit;
    s.cr0 = im->cr0;
    s.cr3 = im->cr3;
    s.cr4 = im->cr4;
    s.efer = im->efer;
    if (ioctl(v->vcpu, KVM_SET_SREGS, &s) < 0) die("KVM_SET_SREGS");
    v->sregs = s;
}

static void set_call_state(struct vm *v, const struct image *im, uint64_t input_len) {
    struct kvm_regs r = { 0 };
    r.rip = im->entry;
    r.rsp = im->stack_top;
    r.rflags = 2;
    r.rdi = im->input_base;
    r.rsi = input_len;
    r.rdx = im->output_base;
    r.rcx = im->output_cap;
    r.r8 = im->function;
    if (sync_regs) {
        v->run->s.regs.regs = r;
        v->run->s.regs.sregs = v->sregs;
        v->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
        return;
    }
    if (ioctl(v->vcpu, KVM_SET_SREGS, &v->sregs) < 0) die("KVM_SET_SREGS");
    if (ioctl(v->vcpu, KVM_SET_REGS, &r) < 0) die("KVM_SET_REGS");
}

/* Runs to the done port; returns the function's result. */
static int32_t run_call(struct vm *v, const struct image *im) {
    for (;;) {
        if (ioctl(v->vcpu, KVM_RUN, 0) < 0) {
            if (errno == EINTR) continue;
            die("KVM_RUN");
        }
        if (v->run->exit_reason == KVM_EXIT_IO && v->run->io.port == im->done_port
            && v->run->io.direction == KVM_EXIT_IO_OUT) {
            int32_t value;
            memcpy(&value, (uint8_t *) v->run + v->run->io.data_offset, 4);
            return value;
        }
        if (v->run->exit_reason == KVM_EXIT_IO && v->run->io.port == 0xf8) {
            uint32_t vector;
            uint64_t rip, error;
            memcpy(&vector, (uint8_t *) v->run + v->run->io.data_offset, 4);
            memcpy(&rip, v->mem + 0x4000 - 40, 8);
            memcpy(&error, v->mem + 0x4000 - 48, 8);
            fprintf(stderr, "kvm_sandbox_peer: guest fault, vector %u at rip 0x%llx (error code 0x%llx)\n", vector,
                    (unsigned long long) rip, (unsigned long long) error);
            exit(3);
        }
        fprintf(stderr, "kvm_sandbox_peer: unexpected exit %u (port 0x%x)\n", v->run->exit_reason, v->run->io.port);
        exit(3);
    }
}

static void create_vm(struct vm *v, const struct image *im, int private_snapshot) {
    v->memfd = memfd_create("sandbox", MFD_CLOEXEC);
    if (v->memfd < 0) die("memfd_create");
    if (ftruncate(v->memfd, im->memory) < 0) die("ftruncate");
    if (private_snapshot) {
        /* The snapshot is the file; the guest sees a private copy-on-write view of it. */
        for (uint32_t i = 0; i < im->chunk_count; i++) {
            if (pwrite(v->memfd, im->chunks[i].bytes, im->chunks[i].length, im->chunks[i].address)
                != (ssize_t) im->chunks[i].length) die("pwrite");
        }
        v->mem = mmap(NULL, im->memory, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE, v->memfd, 0);
    } else {
        v->mem = mmap(NULL, im->memory, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, v->memfd, 0);
    }
    if (v->mem == MAP_FAILED) die("mmap memory");
    if (!private_snapshot) {
        for (uint32_t i = 0; i < im->chunk_count; i++) {
            memcpy(v->mem + im->chunks[i].address, im->chunks[i].bytes, im->chunks[i].length);
        }
    }
    v->vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (v->vm < 0) die("KVM_CREATE_VM");
    struct kvm_userspace_memory_region region = { .slot = 0, .guest_phys_addr = 0, .memory_size = im->memory,
                                                  .userspace_addr = (uint64_t) v->mem };
    if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) die("KVM_SET_USER_MEMORY_REGION");
    v->vcpu = ioctl(v->vm, KVM_CREATE_VCPU, 0);
    if (v->vcpu < 0) die("KVM_CREATE_VCPU");
    v->run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->vcpu, 0);
    if (v->run == MAP_FAILED) die("mmap kvm_run");
    if (ioctl(v->vcpu, KVM_SET_CPUID2, cpuid) < 0) die("KVM_SET_CPUID2");
    set_sregs(v, im);
}

static void destroy_vm(struct vm *v, const struct image *im) {
    munmap(v->run, v->run_size);
    close(v->vcpu);
    close(v->vm);
    munmap(v->mem, im->memory);
    close(v->memfd);
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: kvm_sandbox_peer IMAGE cold|warm ITERATIONS FUNCTION INPUT_FILE\n");
        return 2;
    }
    struct image im;
    load_image(argv[1], argv[4], &im);
    int warm = !strcmp(argv[2], "warm");
    long iterations = atol(argv[3]);
    FILE *in = fopen(argv[5], "rb");
    if (!in) die(argv[5]);
    uint8_t *input = malloc(im.input_cap);
    size_t input_len = fread(input, 1, im.input_cap, in);
    fclose(in);
    uint8_t *output = malloc(im.output_cap);
    int32_t result = 0;

    kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) die("/dev/kvm");
    read_supported_cpuid();
    int sync_caps = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS);
    sync_regs = sync_caps > 0 && (sync_caps & (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS))
                                     == (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS);
    struct vm v;
    if (warm) {
        create_vm(&v, &im, 1);
        if (ioctl(v.vcpu, KVM_GET_XSAVE, &v.clean) < 0) die("KVM_GET_XSAVE");
        ((uint64_t *) v.clean.region)[512 / 8] |= 3; /* XSTATE_BV: x87 and SSE present */
    }
    for (long i = 0; i < iterations; i++) {
        uint64_t start = now_ns();
        if (!warm) create_vm(&v, &im, 0);
        memcpy(v.mem + im.input_base, input, input_len);
        set_call_state(&v, &im, input_len);
        result = run_call(&v, &im);
        if (result < 0 || (uint64_t) result > im.output_cap) {
            fprintf(stderr, "kvm_sandbox_peer: function returned %d\n", result);
            return 3;
        }
        memcpy(output, v.mem + im.output_base, result);
        if (warm) {
            if (madvise(v.mem, im.memory, MADV_DONTNEED) < 0) die("madvise");
            if (ioctl(v.vcpu, KVM_SET_XSAVE, &v.clean) < 0) die("KVM_SET_XSAVE");
        } else {
            destroy_vm(&v, &im);
        }
        printf("ns %llu\n", (unsigned long long) (now_ns() - start));
    }
    if (warm) destroy_vm(&v, &im);
    printf("output ");
    for (int32_t i = 0; i < result; i++) printf("%02x", output[i]);
    printf("\n");
    return 0;
}
