/*
 * Vector state (x87, SSE, and on some CPUs AVX and wider) belongs to one program at a time.
 *
 * What the CPUs the kernel runs on allow shapes this:
 *  - kvm_pvm runs CPL 3 code natively with the host's CR4 and XCR0: the guest's CR0.TS, CR4.OSFXSR
 *    and CR4.OSXSAVE change nothing there, so no #NM ever arrives and AVX, AVX-512 and XSAVE work in
 *    user mode whatever the kernel sets; its CPL 0 emulator runs fxsave/fxrstor but rejects xgetbv,
 *    xsetbv, xsave and xrstor (the VM stops).
 *  - Hardware and QEMU honour CR4: with OSFXSR and without OSXSAVE (what the kernel sets), SSE works
 *    and every AVX/XSAVE instruction is an invalid opcode, so x87/SSE is all the state a program has.
 * So the switch is eager but only when the owner changes: the kernel saves the owner's x87/SSE state
 * with fxsave at CPL 0 into its vector page, and a program that does not own the registers returns
 * to user mode through a trampoline in its own vector page (read-only, mapped at WARP_VECTOR_VA):
 * `xrstor` at CPL 3 loads its x87/SSE state and puts every wider component (AVX, opmask, ZMM) in its
 * initial state, then jumps to where the program was. Where xrstor is an invalid opcode at CPL 3 the
 * first attempt traps and the kernel uses the trampoline's `fxrstor` form from then on. Nothing
 * happens on the boot path or on a trap that returns to its caller.
 */
#include "kernel.h"

/* the vector page: code, the resume slots, the save area (XSAVE format: legacy region, then header) */
#define VP_XRSTOR 0x000
#define VP_FXRSTOR 0x040
#define VP_CODE_END 0x080
#define VP_RIP 0x100
#define VP_RAX 0x108
#define VP_RDX 0x110
#define VP_AREA 0x400
#define VP_HEADER (VP_AREA + 512)

/* Copied to the start of each vector page; RIP-relative operands land in that page. xrstor's
   requested-feature mask is EDX:EAX (all ones, from the frame), so the program's own RAX and RDX
   come back from the page afterwards. */
__asm__(
    "    .section .rodata\n"
    "    .p2align 6\n"
    "vector_code:\n"
    "    xrstor64 vector_code + 0x400(%rip)\n"
    "    mov vector_code + 0x108(%rip), %rax\n"
    "    mov vector_code + 0x110(%rip), %rdx\n"
    "    jmp *vector_code + 0x100(%rip)\n"
    "    .p2align 6\n"
    "    fxrstor64 vector_code + 0x400(%rip)\n"
    "    jmp *vector_code + 0x100(%rip)\n"
    "    .p2align 6\n"
    "vector_code_end:\n"
    "    .text\n");
extern const uint8_t vector_code[], vector_code_end[];

static struct proc *owner;   /* whose state the registers hold; 0 = a program that has ended */
static int fresh = 1;        /* no program has run yet: the registers hold their reset state */
static int fx_only;          /* xrstor is an invalid opcode at CPL 3: the CPU has only x87/SSE there */

static uint8_t *page(struct proc *p) { return phys_ptr(p->vector_page); }

/* The vector page of a program, with the initial x87/SSE state (FCW 0x37F, MXCSR 0x1F80). */
long fpu_attach(struct proc *p) {
    if (p->vector_page) return 0;
    uint64_t pa = page_alloc();
    if (!pa) return WARP_ENOMEM;
    long err = region_add(p, WARP_VECTOR_VA, 1, 0);
    if (!err) err = as_map(p, WARP_VECTOR_VA, pa, 0);
    if (err) { page_free(pa); return err; }
    uint8_t *v = phys_ptr(pa);
    kmemcpy(v, vector_code, (size_t)(vector_code_end - vector_code));
    *(uint16_t *)(v + VP_AREA) = 0x37F;
    *(uint32_t *)(v + VP_AREA + 24) = 0x1F80;
    *(uint64_t *)(v + VP_HEADER) = 3;   /* XSTATE_BV: x87 and SSE from the area, the rest initial */
    p->vector_page = pa;
    return 0;
}

static int in_trampoline(uint64_t rip) { return rip >= WARP_VECTOR_VA && rip < WARP_VECTOR_VA + VP_CODE_END; }

/* Points p's return to user mode at the trampoline (from its start, wherever it was in it). */
static void route(struct proc *p) {
    struct frame *f = p->frame;
    uint8_t *v = page(p);
    if (!in_trampoline(f->rip)) {
        *(uint64_t *)(v + VP_RIP) = f->rip;
        *(uint64_t *)(v + VP_RAX) = f->rax;
        *(uint64_t *)(v + VP_RDX) = f->rdx;
    }
    if (fx_only) {
        f->rip = WARP_VECTOR_VA + VP_FXRSTOR;
        f->rax = *(uint64_t *)(v + VP_RAX);
        f->rdx = *(uint64_t *)(v + VP_RDX);
    } else {
        f->rip = WARP_VECTOR_VA + VP_XRSTOR;
        f->rax = f->rdx = ~0ULL;
    }
}

/* Called when next is about to run and the owner may be someone else. */
void fpu_switch(struct proc *next) {
    if (next == owner) return;
    if (fresh) { fresh = 0; owner = next; return; }
    if (owner && !in_trampoline(owner->frame->rip)) {   /* in the trampoline: its page already holds it */
        if (!owner->vector_page && fpu_attach(owner))
            panic("no memory for the vector state of process %u", owner->pid);
        __asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t (*)[512])(page(owner) + VP_AREA)));
    }
    if (!next->vector_page && fpu_attach(next))
        panic("no memory for the vector state of process %u", next->pid);
    route(next);
    owner = next;
}

/* A program that ends leaves its values in the registers: whoever runs next reloads its own. */
void fpu_forget(struct proc *p) {
    if (p == owner) owner = 0;
    p->vector_page = 0;   /* freed with its address space */
}

/* #UD at the trampoline's xrstor: this CPU has no XSAVE at CPL 3, so it has only x87/SSE there. */
int fpu_invalid_opcode(struct proc *p, struct frame *f) {
    if (!p->vector_page || f->rip != WARP_VECTOR_VA + VP_XRSTOR) return 0;
    fx_only = 1;
    route(p);
    return 1;
}
