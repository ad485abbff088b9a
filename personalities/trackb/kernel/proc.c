/*
 * Processes: loading ABI executables straight from the image archive, spawning, ending, waiting.
 * Read-only pages of a program are the archive's own pages, mapped, not copied; only writable
 * pages are copied, and fresh pages (stack, bss) cost nothing but a page-table entry.
 */
#include "kernel.h"

struct proc procs[MAX_PROCS];
static uint8_t kstacks[MAX_PROCS][KSTACK_SIZE] __attribute__((aligned(4096)));
static uint32_t next_pid = 1;

struct elf_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define MAX_PHDRS 16

/* A process lives in slot pid % MAX_PROCS, so finding one is a lookup, not a search. */
struct proc *proc_find(long pid) {
    if (pid <= 0 || pid > 0xFFFFFFFFL) return 0;
    struct proc *p = &procs[pid % MAX_PROCS];
    return p->state != P_FREE && p->pid == (uint32_t)pid ? p : 0;
}

void proc_wake(struct proc *p) {
    if (p->state == P_BLOCKED) {
        p->frame->rax = 0;
        proc_run(p);
    } else {
        p->wake_pending = 1;
    }
}

static uint64_t limit_tsc(uint64_t ms) {
    return ms >= (1ULL << 40) ? ~0ULL : ms * (boot.tsc_hz / 1000);
}

/* The next pid whose slot is free: pids stay consecutive while slots are free. */
static struct proc *proc_alloc(void) {
    for (uint32_t k = 0; k < MAX_PROCS; k++) {
        uint32_t pid = next_pid + k;
        struct proc *p = &procs[pid % MAX_PROCS];
        if (p->state != P_FREE) continue;
        uint8_t *ks = kstacks[pid % MAX_PROCS];
        kmemset(p, 0, sizeof *p);
        p->kstack = ks;
        p->pid = pid;
        next_pid = pid + 1;
        return p;
    }
    return 0;
}

/* Checks an executable for ABI.md; on success fills the program headers it will load. */
static long elf_check(const uint8_t *img, uint64_t len, struct elf_phdr *ph, int *nph, uint64_t *entry) {
    const struct elf_ehdr *eh = (const void *)img;
    if (len < sizeof *eh) return WARP_ENOEXEC;
    if (eh->ident[0] != 0x7f || eh->ident[1] != 'E' || eh->ident[2] != 'L' || eh->ident[3] != 'F') return WARP_ENOEXEC;
    if (eh->ident[4] != 2 || eh->ident[5] != 1) return WARP_ENOEXEC;            /* ELF64, little-endian */
    if (eh->type != 2 || eh->machine != 62) return WARP_ENOEXEC;                /* ET_EXEC, x86-64 */
    if (eh->phentsize != sizeof(struct elf_phdr) || eh->phnum == 0 || eh->phnum > MAX_PHDRS) return WARP_ENOEXEC;
    if (eh->phoff > len || (uint64_t)eh->phnum * sizeof(struct elf_phdr) > len - eh->phoff) return WARP_ENOEXEC;
    const struct elf_phdr *src = (const void *)(img + eh->phoff);
    int n = 0, entry_ok = 0;
    uint64_t prev_end = WARP_IMAGE_BASE;
    for (int i = 0; i < eh->phnum; i++) {
        if (src[i].type != PT_LOAD) continue;
        struct elf_phdr s = src[i];
        if (s.filesz > s.memsz || s.offset > len || s.filesz > len - s.offset) return WARP_ENOEXEC;
        if (((s.offset ^ s.vaddr) & (PAGE_SIZE - 1)) != 0) return WARP_ENOEXEC;
        if (s.vaddr < WARP_IMAGE_BASE || s.vaddr > WARP_IMAGE_END || s.memsz > WARP_IMAGE_END - s.vaddr) return WARP_ENOEXEC;
        if ((s.vaddr & ~(PAGE_SIZE - 1)) < prev_end) return WARP_ENOEXEC;   /* sorted, no shared pages */
        prev_end = (s.vaddr + s.memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        if ((s.flags & PF_X) && eh->entry >= s.vaddr && eh->entry < s.vaddr + s.memsz) entry_ok = 1;
        ph[n++] = s;
    }
    if (!n || !entry_ok) return WARP_ENOEXEC;
    *nph = n;
    *entry = eh->entry;
    return 0;
}

/* Pages holding file bytes are mapped now (read-only ones straight from the archive, writable ones
   copied); pages past the file bytes (bss) are demand-zero. */
static long load_segments(struct proc *p, uint64_t img_phys, const struct elf_phdr *ph, int n) {
    for (int i = 0; i < n; i++) {
        const struct elf_phdr *s = &ph[i];
        uint64_t vstart = s->vaddr & ~(PAGE_SIZE - 1);
        uint64_t vend = (s->vaddr + s->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        uint64_t file_end = s->vaddr + s->filesz;       /* user address where file bytes end */
        uint64_t mem_end = s->vaddr + s->memsz;
        uint64_t eager_end = (file_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        if (eager_end > vend) eager_end = vend;
        int writable = (s->flags & PF_W) != 0;
        long err = 0;
        if (eager_end > vstart) err = region_add(p, vstart, (uint32_t)((eager_end - vstart) / PAGE_SIZE), 0);
        if (!err && vend > eager_end)
            err = region_add_demand(p, eager_end, (uint32_t)((vend - eager_end) / PAGE_SIZE), writable ? PTE_W : 0);
        if (err) return err;
        for (uint64_t va = vstart; va < eager_end; va += PAGE_SIZE) {
            uint64_t src = img_phys + s->offset + (va - s->vaddr);   /* page-aligned: offset ≡ vaddr */
            int whole_file_page = va + PAGE_SIZE <= file_end || (file_end > va && mem_end <= file_end);
            if (!writable && whole_file_page) {
                err = as_map(p, va, src, PTE_BORROWED);
            } else {
                uint64_t pa = page_alloc();
                if (!pa) return WARP_ENOMEM;
                uint64_t from = va < s->vaddr ? s->vaddr : va;
                uint64_t to = va + PAGE_SIZE < file_end ? va + PAGE_SIZE : file_end;
                if (to > from)
                    kmemcpy(phys_ptr(pa + (from - va)), phys_ptr(img_phys + s->offset + (from - s->vaddr)), to - from);
                err = as_map(p, va, pa, writable ? PTE_W : 0);
                if (err) page_free(pa);
            }
            if (err) return err;
        }
    }
    return 0;
}

/* The stack: its top page now (every program touches it at once), the rest on first touch. */
static long map_stack(struct proc *p) {
    long err = region_add_demand(p, WARP_STACK_TOP - WARP_STACK_SIZE, WARP_STACK_SIZE / PAGE_SIZE, PTE_W);
    if (err) return err;
    uint64_t pa = page_alloc();
    if (!pa) return WARP_ENOMEM;
    err = as_map(p, WARP_STACK_TOP - PAGE_SIZE, pa, PTE_W);
    if (err) page_free(pa);
    return err;
}

/* The information page(s); returns the first page's physical address through *info_pa. */
static long map_info(struct proc *p, const void *args, uint64_t args_len, uint64_t *info_pa) {
    uint64_t off = 512, total = off + args_len;
    uint32_t pages = (uint32_t)((total + PAGE_SIZE - 1) / PAGE_SIZE);
    long err = region_add(p, WARP_INFO_VA, pages, 0);
    if (err) return err;
    for (uint32_t k = 0; k < pages; k++) {
        uint64_t pa = page_alloc();
        if (!pa) return WARP_ENOMEM;
        if (k == 0) *info_pa = pa;
        uint64_t lo = k * PAGE_SIZE, hi = lo + PAGE_SIZE;
        uint64_t from = lo > off ? lo : off, to = hi < total ? hi : total;
        if (to > from) kmemcpy(phys_ptr(pa + (from - lo)), (const uint8_t *)args + (from - off), to - from);
        err = as_map(p, WARP_INFO_VA + lo, pa, 0);
        if (err) { page_free(pa); return err; }
    }
    struct warp_info *in = phys_ptr(*info_pa);
    in->magic = WARP_INFO_MAGIC;
    in->abi_major = WARP_ABI_MAJOR;
    in->pid = p->pid;
    in->ppid = p->ppid;
    in->tsc_hz = boot.tsc_hz;
    in->tsc_base = boot.tsc_entry;
    in->ns_mult = boot.ns_mult;
    in->cpu_limit_ms = p->cpu_limit_ms;
    in->args_len = (uint32_t)args_len;
    in->args_offset = off;
    kmemcpy(in->kernel_version, KERNEL_VERSION, sizeof KERNEL_VERSION);
    in->archive_bytes = boot.archive_bytes;
    in->stdio_pages = HUGE_SIZE / PAGE_SIZE;
    return 0;
}

void proc_clock_info(struct proc *p) {
    struct warp_info *in = phys_ptr(user_phys(p, WARP_INFO_VA, 0));
    in->tsc_hz = boot.tsc_hz;
    in->tsc_base = boot.tsc_entry;
    in->ns_mult = boot.ns_mult;
}

/* Everything but the executable and stdio: information, archive index, stack, first frame. */
static long build_process(struct proc *p, uint64_t img_phys, const struct elf_phdr *ph, int nph, uint64_t entry,
                          const void *args, uint64_t args_len, uint64_t *info_pa) {
    long err = as_create(p);
    if (err) return err;
    if ((err = map_info(p, args, args_len, info_pa))) return err;
    if (boot.archive_pt) {
        if ((err = region_add(p, WARP_ARCHIVE_VA, 0, 2))) return err;
        as_map_huge(p, WARP_ARCHIVE_VA, boot.archive_pt | PTE_P | PTE_U | PTE_BORROWED);
    }
    if ((err = load_segments(p, img_phys, ph, nph))) return err;
    if ((err = map_stack(p))) return err;
    struct frame *f = (struct frame *)(p->kstack + KSTACK_SIZE) - 1;
    kmemset(f, 0, sizeof *f);
    f->rip = entry;
    f->cs = SEL_UCODE;
    f->rflags = 0x202;
    f->rsp = WARP_STACK_TOP;
    f->ss = SEL_UDATA;
    p->frame = f;
    return 0;
}

/* The archive index entry `object` of the image archive: data's physical address and length. */
static long archive_object(uint32_t object, uint64_t *phys, uint64_t *len) {
    const struct warp_archive_header *h = phys_ptr(boot.archive_phys);
    const struct warp_archive_entry *e;
    uint64_t at = WARP_ARCHIVE_HEADER_BYTES;
    if (!boot.archive_phys || object >= h->object_count) return WARP_ENOENT;
    for (uint32_t i = 0; i < object; i++)
        if (!warp_archive_next(h, &at)) return WARP_ENOENT;
    if (!(e = warp_archive_next(h, &at))) return WARP_ENOENT;
    if (e->offset & (PAGE_SIZE - 1) || e->offset > boot.archive_bytes || e->length > boot.archive_bytes - e->offset)
        return WARP_ENOEXEC;
    if (!(e->flags & WARP_OBJECT_EXECUTABLE)) return WARP_ENOEXEC;
    *phys = boot.archive_phys + e->offset;
    *len = e->length;
    return 0;
}

long proc_spawn(struct proc *parent, const struct warp_spawn *s, const void *args, uint64_t args_len) {
    uint64_t img, len, entry, info_pa;
    struct elf_phdr ph[MAX_PHDRS];
    int nph;
    long err = archive_object(s->object, &img, &len);
    if (err) return err;
    if ((err = elf_check(phys_ptr(img), len, ph, &nph, &entry))) return err;
    /* the stdio block the child gets: a WARP_MAP_STDIO region of the parent, or the parent's own */
    uint64_t stdio_pde = as_pde(parent, s->stdio_va ? s->stdio_va : WARP_STDIO_VA);
    if (s->stdio_va && ((s->stdio_va & (HUGE_SIZE - 1)) || !(stdio_pde & PTE_PS) || !(stdio_pde & PTE_W)))
        return WARP_EINVAL;
    struct proc *p = proc_alloc();
    if (!p) return WARP_EAGAIN;
    p->ppid = parent->pid;
    p->cpu_limit_ms = s->cpu_limit_ms ? s->cpu_limit_ms : boot.cpu_limit_ms;
    p->cpu_limit_tsc = limit_tsc(p->cpu_limit_ms);
    p->state = P_BLOCKED;   /* not runnable until complete (and on no queue) */
    err = build_process(p, img, ph, nph, entry, args, args_len, &info_pa);
    if (!err) err = fpu_attach(p);
    if (!err && (stdio_pde & PTE_PS)) {
        err = region_add(p, WARP_STDIO_VA, 0, 1);
        if (!err) as_map_huge(p, WARP_STDIO_VA, stdio_pde | PTE_BORROWED);
        if (!err && s->stdio_va) {
            p->block_phys = stdio_pde & PTE_ADDR & ~(HUGE_SIZE - 1);
            struct warp_stdio_block *b = phys_ptr(p->block_phys);
            b->owner_pid = p->pid;
            b->state = 0;
        }
    }
    if (err) {
        as_destroy(p);
        p->state = P_FREE;
        return err;
    }
    parent->nchildren++;
    proc_run(p);
    return p->pid;
}

struct proc *proc_start_agent(const void *elf, uint64_t len) {
    uint64_t entry, info_pa, img = (uint64_t)(uintptr_t)elf;
    struct elf_phdr ph[MAX_PHDRS];
    int nph;
    if (elf_check(elf, len, ph, &nph, &entry)) panic("the embedded agent is not a valid executable");
    struct proc *p = proc_alloc();
    p->cpu_limit_tsc = ~0ULL;
    kmemcpy(p->name, "agent", 6);
    if (build_process(p, img, ph, nph, entry, "", 0, &info_pa)) panic("cannot build the agent's address space");
    /* the agent drives the virtio-mmio window itself, with DMA memory it knows the address of */
    /* the contract's 8 slots, and QEMU microvm's 24 (with its second IOAPIC it puts the device last) */
    for (uint64_t k = 0; k < WARP_AGENT_MMIO_PAGES; k++)
        if (as_map(p, WARP_AGENT_MMIO_VA + k * PAGE_SIZE, 0xFEB00000 + k * PAGE_SIZE, PTE_W | PTE_PCD | PTE_PWT | PTE_BORROWED))
            panic("cannot map the virtio-mmio window");
    if (region_add(p, WARP_AGENT_MMIO_VA, WARP_AGENT_MMIO_PAGES, 0)) panic("cannot map the virtio-mmio window");
    uint64_t dma = huge_alloc();
    if (!dma || region_add(p, WARP_AGENT_DMA_VA, 0, 1) ||
        as_map_huge(p, WARP_AGENT_DMA_VA, dma | PTE_P | PTE_W | PTE_U | PTE_PS))
        panic("no memory for the agent's DMA area");
    struct warp_info *in = phys_ptr(info_pa);
    in->flags = WARP_INFO_AGENT;
    in->dma_phys = dma;
    in->dma_len = HUGE_SIZE;
    in->mmio_phys = 0xFEB00000;
    kmemcpy(in->secret, boot.secret, boot.secret_len);
    in->secret_len = boot.secret_len;
    kmemset(boot.secret, 0, sizeof boot.secret);
    in->boot_tsc_ready = boot.tsc_agent = rdtsc();
    proc_run(p);
    return p;
}

static void reap(struct proc *p) {
    struct proc *parent = proc_find(p->ppid);
    if (parent && parent->nchildren) parent->nchildren--;
    p->state = P_FREE;
}

static int finish_waitpid(struct proc *parent, struct proc *child) {
    struct warp_exit st = { child->exit_kind, child->exit_value };
    if (parent->waitpid_status_va && copy_to_user(parent, parent->waitpid_status_va, &st, sizeof st)) return WARP_EFAULT;
    long pid = child->pid;
    reap(child);
    return (int)pid;
}

void proc_end(struct proc *p, int kind, int value, const char *message) {
    if (p->state == P_FREE || p->state == P_ZOMBIE) return;
    if (p->pid == 1) panic("the agent ended (kind %d, value %d): %s", kind, value, message ? message : "");
    proc_dequeue(p);
    /* its descendants go first: they may borrow its stdio or be waited for by it */
    for (int i = 0; p->nchildren && i < MAX_PROCS; i++) {
        struct proc *c = &procs[i];
        if (c->state == P_FREE || c->ppid != p->pid) continue;
        if (c->state == P_ZOMBIE) reap(c);
        else { proc_end(c, WARP_EXIT_SIGNAL, WARP_SIGKILL, "its parent ended"); reap(c); }
    }
    p->exit_kind = kind;
    p->exit_value = value;
    if (p->block_phys) {
        struct warp_stdio_block *b = phys_ptr(p->block_phys);
        b->exit_kind = kind;
        b->exit_value = value;
        int i = 0;
        if (message) for (; message[i] && i < (int)sizeof b->exit_message - 1; i++) b->exit_message[i] = message[i];
        b->exit_message[i] = 0;
        __atomic_store_n(&b->state, 1, __ATOMIC_RELEASE);
        struct proc *host = proc_find(b->host_pid);
        if (host) proc_wake(host);
    }
    as_destroy(p);
    fpu_forget(p);
    p->state = P_ZOMBIE;
    struct proc *parent = proc_find(p->ppid);
    if (parent && parent->state == P_WAITCHILD &&
        (parent->waitpid_target == -1 || parent->waitpid_target == (long)p->pid)) {
        parent->frame->rax = (uint64_t)(long)finish_waitpid(parent, p);
        proc_run(parent);
    } else if (parent) {
        proc_wake(parent);
    }
}

long proc_waitpid(struct proc *p, long pid, uint64_t status_va, unsigned flags) {
    int any = 0;
    if (status_va && !user_range_ok(status_va, sizeof(struct warp_exit))) return WARP_EFAULT;
    struct proc *only = pid != -1 ? proc_find(pid) : 0;
    for (int i = 0; p->nchildren && i < MAX_PROCS; i++) {
        struct proc *c = pid != -1 ? only : &procs[i];
        if (pid != -1 && i > 0) break;
        if (!c || c->state == P_FREE || c->ppid != p->pid) continue;
        any = 1;
        if (c->state == P_ZOMBIE) {
            p->waitpid_status_va = status_va;
            return finish_waitpid(p, c);
        }
    }
    if (!any) return WARP_ECHILD;
    if (flags & WARP_WNOHANG) return 0;
    p->waitpid_target = pid;
    p->waitpid_status_va = status_va;
    p->state = P_WAITCHILD;
    return 0;
}
