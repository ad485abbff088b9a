/*
 * The trap dispatcher: exceptions, the timer, and the trapping calls of the ABI. System calls enter
 * with `int $0x80` through a DPL 3 gate; where a CPU reports that instruction as #UD instead (kvm_pvm
 * does), the #UD handler sees `cd 80` at RIP and takes the same path.
 */
#include "kernel.h"
#include "warp/ring.h"

struct gate { uint16_t off0, sel; uint8_t ist, type; uint16_t off1; uint32_t off2, zero; };
struct tss {
    uint32_t r0;
    uint64_t rsp0, rsp1, rsp2, r1, ist[7], r2;
    uint16_t r3, iomap;
} __attribute__((packed));

static struct gate idt[256] __attribute__((aligned(16)));
static struct tss tss __attribute__((aligned(16)));
extern uint64_t gdt_tss[2];
extern void idle_loop(void);

struct proc *current;
static int need_resched;
static struct frame *idle_frame;
static uint8_t idle_stack[4096] __attribute__((aligned(16)));
static uint8_t args_buf[WARP_ARGS_MAX];

#define STUBS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) \
    X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(32) X(48) X(49) X(50) X(51) X(52) X(53) X(54) X(55) \
    X(128) X(255)
#define DECL(v) extern void trap_stub_##v(void);
STUBS(DECL)

static void set_gate(int v, void (*fn)(void), int dpl) {
    uint64_t a = (uint64_t)(uintptr_t)fn;
    idt[v].off0 = (uint16_t)a;
    idt[v].sel = SEL_KCODE;
    idt[v].type = (uint8_t)(0x8E | (dpl << 5));
    idt[v].off1 = (uint16_t)(a >> 16);
    idt[v].off2 = (uint32_t)(a >> 32);
}

void tss_set_rsp0(uint64_t rsp0) { tss.rsp0 = rsp0; }

void trap_init(void) {
#define GATE(v) set_gate(v, trap_stub_##v, (v) == 128 ? 3 : 0);
    STUBS(GATE)
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr = { sizeof idt - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
    uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof tss - 1;
    tss.iomap = sizeof tss;   /* no I/O bitmap: CPL 3 has no ports */
    gdt_tss[0] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ULL << 40) | (((base >> 24) & 0xFF) << 56);
    gdt_tss[1] = base >> 32;
    __asm__ volatile("ltr %w0" : : "r"(SEL_TSS));
    struct frame *f = (struct frame *)(idle_stack + sizeof idle_stack - 64) - 1;
    f->rip = (uint64_t)(uintptr_t)idle_loop;
    f->cs = SEL_KCODE;
    f->rflags = 0x202;
    f->rsp = (uint64_t)(uintptr_t)(idle_stack + sizeof idle_stack - 8);   /* as after a call */
    f->ss = SEL_KDATA;
    idle_frame = f;
}

static int words_changed(struct proc *p);

/* ---- queues: every operation is O(1); nothing scans the process table ---- */

struct plist { struct proc *head, *tail; };
static struct plist runq;       /* runnable, waiting for the CPU; current is never on it */
static struct plist sleepers;   /* blocked in WARP_SYS_WAIT (on words and/or a deadline) */

static int timer_stale;          /* something timer_arm looks at has changed */

static void pl_add(struct plist *l, struct proc *p, enum proc_queue q) {
    timer_stale = 1;
    p->q_next = 0;
    p->q_prev = l->tail;
    if (l->tail) l->tail->q_next = p; else l->head = p;
    l->tail = p;
    p->queued = q;
}

static void pl_del(struct plist *l, struct proc *p) {
    timer_stale = 1;
    if (p->q_prev) p->q_prev->q_next = p->q_next; else l->head = p->q_next;
    if (p->q_next) p->q_next->q_prev = p->q_prev; else l->tail = p->q_prev;
    p->q_next = p->q_prev = 0;
    p->queued = Q_NONE;
}

void proc_dequeue(struct proc *p) {
    if (p->queued == Q_RUN) pl_del(&runq, p);
    else if (p->queued == Q_SLEEP) pl_del(&sleepers, p);
}

void proc_run(struct proc *p) {
    proc_dequeue(p);
    p->state = P_RUNNABLE;
    if (p != current) pl_add(&runq, p, Q_RUN);
}

/* ---- time: one one-shot timer, armed for the earliest of what is due ---- */

#define NEVER (~0ULL)
static uint64_t run_start;      /* TSC when current got the CPU */
static uint64_t slice_end;      /* TSC; 0 = no slice is being timed */
static uint64_t poll_at;        /* TSC of the next re-check of waited-on words; 0 = none */
static uint64_t armed = NEVER;  /* the deadline the timer is set for */
static int device_interrupted;  /* a virtio line has fired at least once */

static void timer_arm(uint64_t now) {
    uint64_t want = NEVER;
    int words = 0;
    if (current && current->cpu_limit_tsc != NEVER)
        want = run_start + (current->cpu_limit_tsc - current->cpu_tsc);
    if (slice_end && slice_end < want) want = slice_end;
    for (struct proc *p = sleepers.head; p; p = p->q_next) {
        if (p->wait_deadline && p->wait_deadline < want) want = p->wait_deadline;
        if (p->nwait) words = 1;
    }
    /* A waited-on word normally changes with a wake (programs) or a device interrupt (the agent's
       virtqueues); the re-check is the fallback for writers that do not wake, and for a machine
       whose virtio lines the kernel does not know (until one has interrupted). */
    if (words && (current || !device_interrupted)) {
        if (!poll_at) poll_at = now + ns_to_tsc(current ? POLL_NS : EARLY_POLL_NS);
        if (poll_at < want) want = poll_at;
    } else {
        poll_at = 0;
    }
    timer_stale = 0;
    if (want == armed) return;
    armed = want;
    if (want == NEVER) lapic_timer_ns(0);
    else lapic_timer_ns(want > now ? (tsc_to_ns(want - now) | 1) : 1);
}

/* Ends the waits that are over: a deadline passed or a word differs. */
static int wake_sleepers(uint64_t now) {
    int woke = 0;
    struct proc *next;
    for (struct proc *p = sleepers.head; p; p = next) {
        next = p->q_next;
        if (p->wait_deadline && now >= p->wait_deadline) {
            p->frame->rax = (uint64_t)WARP_ETIMEDOUT;
        } else if (p->nwait && words_changed(p)) {
            p->frame->rax = 0;
        } else {
            continue;
        }
        proc_run(p);
        woke = 1;
    }
    return woke;
}

struct frame *schedule(void) {
    uint64_t now = rdtsc();
    struct proc *prev = current, *next;
    if (prev) {
        prev->cpu_tsc += now - run_start;
        if (prev->state == P_RUNNABLE && prev->cpu_tsc >= prev->cpu_limit_tsc) {
            char msg[96];
            ksnprintf(msg, sizeof msg, "exceeded its CPU time limit of %lu ms", prev->cpu_limit_ms);
            proc_end(prev, WARP_EXIT_SIGNAL, WARP_SIGXCPU, msg);
        }
    }
    run_start = now;
    if (prev && prev->state == P_RUNNABLE && !(need_resched && runq.head)) {
        /* the common case, a call that returns to its caller: nothing to switch, maybe nothing to arm */
        need_resched = 0;
        if (runq.head && !slice_end) { slice_end = now + ns_to_tsc(SLICE_NS); timer_stale = 1; }
        if (timer_stale) timer_arm(now);
        return prev->frame;
    } else {
        if (prev && prev->state == P_RUNNABLE) pl_add(&runq, prev, Q_RUN);
        next = runq.head;
        if (next) pl_del(&runq, next);
    }
    need_resched = 0;
    if (next != prev || !runq.head) slice_end = 0;
    if (next && runq.head && !slice_end) slice_end = now + ns_to_tsc(SLICE_NS);
    current = next;
    timer_arm(now);   /* another process: its CPU limit */
    if (!next) return idle_frame;
    if (next != prev) {
        write_cr3(next->cr3);
        tss.rsp0 = (uint64_t)(uintptr_t)(next->kstack + KSTACK_SIZE);
    }
    fpu_switch(next);
    return next->frame;
}

static uint64_t now_ns(void) {
    return tsc_to_ns(rdtsc() - boot.tsc_entry);
}

/* ---- blocking on words ---- */

static int words_changed(struct proc *p) {
    for (uint32_t i = 0; i < p->nwait; i++)
        if (*(volatile uint32_t *)phys_ptr(p->wait_phys[i]) != p->wait_value[i]) return 1;
    return 0;
}

static long sys_wait(struct proc *p, uint64_t va, uint64_t count, uint64_t timeout_ns) {
    struct warp_wait w[WARP_WAIT_MAX];
    if (count == 0 || count > WARP_WAIT_MAX) return WARP_EINVAL;
    if (copy_from_user(p, w, va, count * sizeof w[0])) return WARP_EFAULT;
    for (uint32_t i = 0; i < count; i++) {
        if (w[i].addr & 3) return WARP_EINVAL;
        uint64_t pa = user_phys_touch(p, w[i].addr, 0);
        if (!pa) return WARP_EFAULT;
        p->wait_phys[i] = pa;
        p->wait_value[i] = w[i].value;
    }
    p->nwait = (uint32_t)count;
    if (p->wake_pending) { p->wake_pending = 0; return 0; }
    if (words_changed(p)) return 0;
    if (timeout_ns == 0) return WARP_ETIMEDOUT;
    /* beyond ~13 days a timeout is as good as none (and keeps the TSC arithmetic in range) */
    p->wait_deadline = timeout_ns >= (1ULL << 50) ? 0 : rdtsc() + ns_to_tsc(timeout_ns) + 1;
    p->state = P_BLOCKED;
    pl_add(&sleepers, p, Q_SLEEP);
    return 0;
}

static void timer_interrupt(void) {
    uint64_t now = rdtsc();
    lapic_eoi();
    armed = NEVER;
    timer_stale = 1;
    if (slice_end && now >= slice_end) need_resched = 1;
    if (poll_at && now >= poll_at) poll_at = 0;
    wake_sleepers(now);
}

static void device_interrupt(unsigned slot) {
    virtio_ack(slot);           /* the line drops before the EOI, so it is not delivered again */
    lapic_eoi();
    device_interrupted = 1;
    /* the agent waits on its virtqueues' words: it runs next, so it answers the host at once */
    if (wake_sleepers(rdtsc()) && current) need_resched = 1;
}

/* ---- the trapping calls ---- */

static long sys_write(struct proc *p, uint64_t h, uint64_t buf, uint64_t len) {
    uint8_t tmp[512];
    if (!user_range_ok(buf, len)) return WARP_EFAULT;
    uint64_t pde = as_pde(p, WARP_STDIO_VA);
    if (!(pde & PTE_PS)) {   /* no stdio (the agent): the console */
        if (len > sizeof tmp) len = sizeof tmp;
        if (copy_from_user(p, tmp, buf, len)) return WARP_EFAULT;
        console_write((const char *)tmp, len);
        return (long)len;
    }
    if (h != WARP_STDOUT && h != WARP_STDERR) return WARP_EINVAL;
    struct warp_stdio_block *b = phys_ptr(pde & PTE_ADDR & ~(HUGE_SIZE - 1));
    volatile struct warp_ring *r = &b->ring[h];
    uint32_t size = r->size, off = r->data_offset;
    if (!size || (size & (size - 1)) || off > HUGE_SIZE || size > HUGE_SIZE - off) return WARP_EINVAL;
    if (r->closed == 2) return WARP_EPIPE;
    uint64_t done = 0;
    while (done < len) {
        uint64_t chunk = len - done < sizeof tmp ? len - done : sizeof tmp;
        if (copy_from_user(p, tmp, buf + done, chunk)) return done ? (long)done : WARP_EFAULT;
        uint32_t n = warp_ring_put(r, (uint8_t *)b + off, size, tmp, (uint32_t)chunk);
        if (n == WARP_RING_BROKEN) return WARP_EPIPE;
        done += n;
        if (n < chunk) break;
    }
    if (done && __atomic_exchange_n(&b->host_waiting, 0, __ATOMIC_ACQ_REL)) {
        struct proc *host = proc_find(b->host_pid);
        if (host) proc_wake(host);
    }
    return done ? (long)done : WARP_EAGAIN;
}

static long sys_map(struct proc *p, uint64_t va, uint64_t len, uint64_t flags) {
    if (flags & ~(uint64_t)(WARP_MAP_WRITE | WARP_MAP_FIXED | WARP_MAP_STDIO) || len == 0) return WARP_EINVAL;
    len = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (flags & WARP_MAP_STDIO) {
        if (len > HUGE_SIZE || (va & (HUGE_SIZE - 1))) return WARP_EINVAL;
        if (!va) {
            for (uint64_t a = WARP_MAP_BASE; a < WARP_MAP_END; a += HUGE_SIZE)
                if (!(as_pde(p, a) & PTE_P)) { va = a; break; }
            if (!va) return WARP_ENOMEM;
        }
        if (va < WARP_MAP_BASE || va >= WARP_MAP_END || (as_pde(p, va) & PTE_P)) return WARP_EINVAL;
        uint64_t pa = huge_alloc();
        if (!pa) return WARP_ENOMEM;
        if (region_add(p, va, 0, 1)) { huge_free(pa); return WARP_ENOMEM; }
        as_map_huge(p, va, pa | PTE_P | PTE_W | PTE_U | PTE_PS);
        return (long)va;
    }
    if (len > 64ULL << 20) return WARP_ENOMEM;
    if (!(flags & WARP_MAP_FIXED)) {
        /* first fit after every existing 4 KiB-page region of the map area */
        va = WARP_MAP_BASE;
        for (uint32_t r = 0; r < p->nregions; r++) {
            struct region *g = &p->regions[r];
            uint64_t end = g->va + (g->huge ? HUGE_SIZE : g->pages * PAGE_SIZE);
            if (g->va >= WARP_MAP_BASE && g->va < WARP_MAP_END && end > va) va = end;
        }
        va = (va + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1);   /* own page tables: unmap frees them cleanly */
    }
    if ((va & (PAGE_SIZE - 1)) || va < WARP_MAP_BASE || va > WARP_MAP_END || len > WARP_MAP_END - va) return WARP_EINVAL;
    for (uint64_t a = va; a < va + len; a += PAGE_SIZE)
        if (user_phys(p, a, 0) || (as_pde(p, a) & PTE_PS)) return WARP_EBUSY;
    long err = region_add(p, va, (uint32_t)(len / PAGE_SIZE), 0);
    if (err) return err;
    for (uint64_t a = va; a < va + len; a += PAGE_SIZE) {
        uint64_t pa = page_alloc();
        if (!pa) return WARP_ENOMEM;
        if ((err = as_map(p, a, pa, (flags & WARP_MAP_WRITE) ? PTE_W : 0))) { page_free(pa); return err; }
    }
    return (long)va;
}

static long sys_unmap(struct proc *p, uint64_t va, uint64_t len) {
    for (uint32_t r = 0; r < p->nregions; r++) {
        struct region *g = &p->regions[r];
        if (g->va != va || va < WARP_MAP_BASE || va >= WARP_MAP_END) continue;
        uint64_t size = g->huge ? HUGE_SIZE : g->pages * PAGE_SIZE;
        if (((len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) != size) return WARP_EINVAL;
        if (g->huge) {
            uint64_t pde = as_pde(p, va);
            for (int i = 0; i < MAX_PROCS; i++)   /* a child still uses it as its stdio */
                if (procs[i].state != P_FREE && procs[i].state != P_ZOMBIE && &procs[i] != p &&
                    (as_pde(&procs[i], WARP_STDIO_VA) & PTE_ADDR) == (pde & PTE_ADDR)) return WARP_EBUSY;
            huge_free(pde & PTE_ADDR & ~(HUGE_SIZE - 1));
            p->pd[(va - WARP_USER_BASE) >> 21] = 0;
        } else {
            for (uint64_t a = va; a < va + size; a += PAGE_SIZE) {
                uint64_t pde = as_pde(p, a);
                uint64_t *pte = &((uint64_t *)phys_ptr(pde & PTE_ADDR))[(a >> 12) & 511];
                if (*pte & PTE_P) page_free(*pte & PTE_ADDR);
                *pte = 0;
            }
        }
        p->regions[r] = p->regions[--p->nregions];
        write_cr3(p->cr3);   /* flush the TLB */
        return 0;
    }
    return WARP_EINVAL;
}

static long sys_spawn(struct proc *p, uint64_t va) {
    struct warp_spawn s;
    if (copy_from_user(p, &s, va, sizeof s)) return WARP_EFAULT;
    if (s.flags || s.args_len > WARP_ARGS_MAX) return WARP_EINVAL;
    if (!user_range_ok(s.args, s.args_len) || copy_from_user(p, args_buf, s.args, s.args_len)) return WARP_EFAULT;
    return proc_spawn(p, &s, args_buf, s.args_len);
}

static int is_ancestor(struct proc *a, struct proc *p) {
    for (int depth = 0; p && depth < MAX_PROCS; depth++) {
        if (p->ppid == a->pid) return 1;
        p = proc_find(p->ppid);
    }
    return 0;
}

static long sys_kill(struct proc *p, long pid, long sig) {
    struct proc *t = proc_find(pid);
    if (!t || t->state == P_ZOMBIE) return WARP_ESRCH;
    if (!is_ancestor(p, t)) return WARP_EPERM;
    if (sig <= 0 || sig > 64) return sig == 0 ? 0 : WARP_EINVAL;
    char msg[48];
    ksnprintf(msg, sizeof msg, "killed by signal %d", (int)sig);
    proc_end(t, WARP_EXIT_SIGNAL, (int)sig, msg);
    return 0;
}

#define WARP_SYS_POWER_OFF 13   /* agent only; not part of the programs' ABI */

static void syscall(struct proc *p, struct frame *f) {
    long r;
    switch (f->rax) {
    case WARP_SYS_NOP: r = 0; break;
    case WARP_SYS_EXIT: proc_end(p, WARP_EXIT_CODE, (int)f->rdi, 0); return;
    case WARP_SYS_WRITE: r = sys_write(p, f->rdi, f->rsi, f->rdx); break;
    case WARP_SYS_YIELD: need_resched = 1; r = 0; break;
    case WARP_SYS_CLOCK: r = (long)now_ns(); break;
    case WARP_SYS_MAP: r = sys_map(p, f->rdi, f->rsi, f->rdx); break;
    case WARP_SYS_UNMAP: r = sys_unmap(p, f->rdi, f->rsi); break;
    case WARP_SYS_SPAWN: r = sys_spawn(p, f->rdi); break;
    case WARP_SYS_WAITPID: r = proc_waitpid(p, (long)f->rdi, f->rsi, (unsigned)f->rdx); break;
    case WARP_SYS_WAIT: r = sys_wait(p, f->rdi, f->rsi, f->rdx); break;
    case WARP_SYS_WAKE: {
        struct proc *t = proc_find((long)f->rdi);
        if (t && t->state != P_ZOMBIE) { proc_wake(t); r = 0; } else r = WARP_ESRCH;
        break;
    }
    case WARP_SYS_KILL: r = sys_kill(p, (long)f->rdi, (long)f->rsi); break;
    case WARP_SYS_PORTAL_MAP: r = WARP_ENOSYS; break;
    case WARP_SYS_POWER_OFF:
        if (p->pid != 1) { r = WARP_EPERM; break; }
        kputs("warp-kernel: power off\n");
        power_off(0);
    default: r = WARP_ENOSYS; break;
    }
    f->rax = (uint64_t)r;
}

/* Why a user access faulted, in the program's terms. The kernel's own mappings (address 0 among them)
   are present, so the hardware reports a protection fault there: that is "not user memory". */
static const char *fault_cause(uint64_t a, uint64_t error) {
    if (a < WARP_USER_BASE || a >= WARP_USER_END) return "not user memory";
    if (!(error & 1)) return "not mapped";
    if (error & 16) return "not executable";
    if (error & 2) return "read-only";
    return "protection";
}

static void user_fault(struct proc *p, struct frame *f) {
    char msg[160];
    int sig = WARP_SIGSEGV;
    if (f->vector == 14) {
        uint64_t a = read_cr2();
        ksnprintf(msg, sizeof msg, "page fault: %s address 0x%lx (%s) at rip 0x%lx",
                  (f->error & 16) ? "executing" : (f->error & 2) ? "writing" : "reading", a, fault_cause(a, f->error), f->rip);
    } else if (f->vector == 0) {
        sig = WARP_SIGFPE;
        ksnprintf(msg, sizeof msg, "divide error at rip 0x%lx", f->rip);
    } else if (f->vector == 6) {
        sig = WARP_SIGILL;
        ksnprintf(msg, sizeof msg, "invalid instruction at rip 0x%lx", f->rip);
    } else if (f->vector == 13) {
        ksnprintf(msg, sizeof msg, "general protection fault at rip 0x%lx", f->rip);
    } else {
        sig = (f->vector == 7 || f->vector == 16 || f->vector == 19) ? WARP_SIGFPE : WARP_SIGSEGV;
        ksnprintf(msg, sizeof msg, "exception %lu at rip 0x%lx", f->vector, f->rip);
    }
    proc_end(p, WARP_EXIT_SIGNAL, sig, msg);
}

static int is_int80(struct proc *p, uint64_t rip) {
    uint64_t pa = user_phys(p, rip, 0), pb = user_phys(p, rip + 1, 0);
    return pa && pb && *(uint8_t *)phys_ptr(pa) == 0xCD && *(uint8_t *)phys_ptr(pb) == 0x80;
}

struct frame *trap_dispatch(struct frame *f) {
    int from_user = (f->cs & 3) == 3;
    if (from_user) current->frame = f;
    else if (!current) idle_frame = f;
    else panic("exception %lu in the kernel at rip 0x%lx (error 0x%lx, cr2 0x%lx)", f->vector, f->rip, f->error, read_cr2());
    switch (f->vector) {
    case VEC_TIMER: timer_interrupt(); break;
    case VEC_VIRTIO + 0: case VEC_VIRTIO + 1: case VEC_VIRTIO + 2: case VEC_VIRTIO + 3:
    case VEC_VIRTIO + 4: case VEC_VIRTIO + 5: case VEC_VIRTIO + 6: case VEC_VIRTIO + 7:
        device_interrupt((unsigned)(f->vector - VEC_VIRTIO));
        break;
    case 255: break;
    case 128: if (from_user) syscall(current, f); break;
    case 14:   /* a demand-zero page's first touch resumes; anything else ends the program */
        if (from_user && !(f->error & 1) && !as_fault(current, read_cr2())) break;
        if (from_user) user_fault(current, f);
        else panic("exception 14 in the kernel at rip 0x%lx (error 0x%lx, cr2 0x%lx)", f->rip, f->error, read_cr2());
        break;
    case 6:
        if (from_user && is_int80(current, f->rip)) { f->rip += 2; syscall(current, f); break; }
        if (from_user && fpu_invalid_opcode(current, f)) break;
        /* fall through */
    default:
        if (!from_user) panic("exception %lu in the idle loop at rip 0x%lx", f->vector, f->rip);
        user_fault(current, f);
        break;
    }
    return schedule();
}
