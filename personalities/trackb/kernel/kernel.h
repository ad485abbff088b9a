/* The WARP reference kernel: declarations shared by its few source files. */
#ifndef KERNEL_H
#define KERNEL_H

#define WARP_KERNEL 1
#include <stddef.h>
#include <stdint.h>
#include "warp.h"
#include "warp/archive.h"

#define KERNEL_VERSION "0.1.0"

#define PAGE_SIZE 4096ULL
#define HUGE_SIZE 0x200000ULL
#define PTE_P    0x001ULL
#define PTE_W    0x002ULL
#define PTE_U    0x004ULL
#define PTE_PWT  0x008ULL
#define PTE_PCD  0x010ULL
#define PTE_PS   0x080ULL
#define PTE_BORROWED 0x200ULL   /* software bit: the page belongs to someone else, never freed */
#define PTE_ADDR 0x000FFFFFFFFFF000ULL

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x1B
#define SEL_UCODE 0x23
#define SEL_TSS   0x28

#define MAX_PROCS 32               /* a process lives in slot pid % MAX_PROCS */
#define KSTACK_SIZE 4096
#define SLICE_NS 4000000ULL        /* a time slice, timed only while processes compete */
#define POLL_NS 10000000ULL        /* re-check waited-on words while user code runs (no wake needed) */
#define EARLY_POLL_NS 2000000ULL   /* the same while idle, until a device has interrupted once */

/* a trap frame, as trap_common in boot.S lays it out */
struct frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

enum proc_state { P_FREE = 0, P_RUNNABLE, P_BLOCKED, P_WAITCHILD, P_ZOMBIE };
enum proc_queue { Q_NONE = 0, Q_RUN, Q_SLEEP };

struct region { uint64_t va; uint32_t pages; uint16_t huge; uint16_t demand; /* PTE flags | P when demand-zero */ };
#define MAX_REGIONS 24
#define MAX_PTS 24

struct proc {
    enum proc_state state;
    uint32_t pid, ppid;
    struct frame *frame;           /* where its user state was saved */
    uint64_t cr3;                  /* its PML4 */
    uint64_t *pd;                  /* the PD covering the user range (identity-mapped pointer) */
    uint64_t pdpt;
    uint64_t pts[MAX_PTS];
    uint32_t npts;
    struct region regions[MAX_REGIONS];
    uint32_t nregions;
    uint64_t block_phys;           /* its stdio block header, when it owns the exit record */
    uint64_t cpu_tsc;              /* CPU time used, in TSC counts */
    uint64_t cpu_limit_tsc;        /* ~0 = none */
    uint64_t cpu_limit_ms;
    uint32_t nchildren;            /* live or zombie processes whose ppid is this one */
    int wake_pending;
    /* on the run queue (runnable, not running) or among the sleepers (blocked in WARP_SYS_WAIT) */
    enum proc_queue queued;
    struct proc *q_next, *q_prev;
    /* blocked in WARP_SYS_WAIT */
    uint64_t wait_phys[WARP_WAIT_MAX];
    uint32_t wait_value[WARP_WAIT_MAX];
    uint32_t nwait;
    uint64_t wait_deadline;        /* TSC, 0 = none */
    long waitpid_target;
    uint64_t waitpid_status_va;
    int exit_kind, exit_value;
    uint64_t vector_page;          /* its vector page (fpu.c), 0 until it needs one */
    uint8_t *kstack;
    char name[24];
};

extern struct proc procs[MAX_PROCS];
extern struct proc *current;

/* boot facts */
struct boot {
    uint64_t tsc_entry, tsc_hz, ns_mult;
    uint64_t tsc_mult;                       /* TSC counts = (ns * tsc_mult) >> 32 */
    uint64_t tsc_agent;                      /* TSC when the agent was started */
    uint64_t module_phys, module_len;
    uint64_t archive_phys, archive_bytes;    /* the image archive (the module's first part) */
    uint64_t cpu_limit_ms;
    uint64_t kernel_cr3;
    uint64_t archive_pt;                     /* shared PT mapping the archive's header and index */
    uint64_t archive_index_pages;
    uint8_t secret[32];
    uint32_t secret_len;
    int quiet;
};
extern struct boot boot;

/* console.c */
void kputs(const char *s);
void console_write(const char *s, size_t n);      /* interrupts off; sent while the CPU is idle */
void console_idle_job(void (*job)(void));         /* runs once, when nothing is runnable, interrupts on */
void kprintf(const char *fmt, ...);
int ksnprintf(char *buf, size_t n, const char *fmt, ...);
__attribute__((noreturn)) void panic(const char *fmt, ...);
__attribute__((noreturn)) void power_off(int code);

/* mm.c */
void mm_add_range(uint64_t start, uint64_t end);
void mm_reserve(uint64_t start, uint64_t end);
uint64_t page_alloc(void);           /* a zeroed page, 0 when none */
uint64_t huge_alloc(void);           /* a 2 MiB aligned, 2 MiB page (contents undefined), 0 when none */
void page_free(uint64_t phys);       /* contents undefined */
void page_free_clean(uint64_t phys); /* known to be zero */
void huge_free(uint64_t phys);
uint64_t mm_free_pages(void);
int as_create(struct proc *p);
int as_map(struct proc *p, uint64_t va, uint64_t phys, uint64_t flags);
int as_map_huge(struct proc *p, uint64_t va, uint64_t pde);
uint64_t as_pde(struct proc *p, uint64_t va);
void as_destroy(struct proc *p);
int region_add(struct proc *p, uint64_t va, uint32_t pages, int huge);
int region_add_demand(struct proc *p, uint64_t va, uint32_t pages, uint64_t pte_flags);
int as_fault(struct proc *p, uint64_t va);
uint64_t user_phys(struct proc *p, uint64_t va, int write);
uint64_t user_phys_touch(struct proc *p, uint64_t va, int write);
int copy_from_user(struct proc *p, void *dst, uint64_t va, uint64_t n);
int copy_to_user(struct proc *p, uint64_t va, const void *src, uint64_t n);
int user_range_ok(uint64_t va, uint64_t n);
static inline void *phys_ptr(uint64_t pa) { return (void *)(uintptr_t)pa; }
void kmemcpy(void *d, const void *s, size_t n);
void kmemset(void *d, int c, size_t n);

/* proc.c */
long proc_spawn(struct proc *parent, const struct warp_spawn *s, const void *args, uint64_t args_len);
struct proc *proc_start_agent(const void *elf, uint64_t len);
void proc_clock_info(struct proc *p);   /* the clock fields of its information page, from boot */
void proc_end(struct proc *p, int kind, int value, const char *message);
long proc_waitpid(struct proc *p, long pid, uint64_t status_va, unsigned flags);
struct proc *proc_find(long pid);
void proc_wake(struct proc *p);
void proc_run(struct proc *p);       /* makes p runnable and queues it (unless it is current) */
void proc_dequeue(struct proc *p);   /* takes p off the run queue or the sleepers */

/* trap.c */
void trap_init(void);
struct frame *trap_dispatch(struct frame *f);
struct frame *schedule(void);
void tss_set_rsp0(uint64_t rsp0);

/* fpu.c */
long fpu_attach(struct proc *p);
void fpu_switch(struct proc *next);
void fpu_forget(struct proc *p);
int fpu_invalid_opcode(struct proc *p, struct frame *f);

/* lapic.c */
#define VEC_TIMER 32
#define VEC_VIRTIO 48                /* 48 + n: virtio-mmio slot n (IOAPIC pin 5 + n), n < 8 */
#define VIRTIO_SLOTS 8
void lapic_init(void);
void lapic_eoi(void);
void lapic_timer_ns(uint64_t ns);    /* one-shot in ns (1 .. 2^32-1); 0 stops it */
void ioapic_init(void);
void virtio_ack(unsigned slot);
void tsc_calibrate_start(void);
uint64_t tsc_calibrate_end(void);
static inline uint64_t ns_to_tsc(uint64_t ns) { return (uint64_t)(((unsigned __int128)ns * boot.tsc_mult) >> 32); }
static inline uint64_t tsc_to_ns(uint64_t t) { return (uint64_t)(((unsigned __int128)t * boot.ns_mult) >> 32); }

static inline uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }

#endif
