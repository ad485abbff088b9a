/*
 * WARP ABI, major version 1: the interface between programs and the WARP reference kernel.
 * integration-contracts/trackb/ABI.md is the normative text; this header is its C form.
 *
 * Two kinds of calls:
 *  - ring calls run entirely in user mode: stdio handles are byte rings in a block of memory shared
 *    with the agent, the clock is read from the TSC with parameters in the process information page.
 *  - trapping calls enter the kernel with `int $0x80` (number in rax, arguments in rdi, rsi, rdx,
 *    r10, r8, r9, result in rax); they are used to block, wake, map memory, spawn and exit.
 */
#ifndef WARP_H
#define WARP_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define WARP_ABI_MAJOR 1

/* ---- address space (every process) ---- */
#define WARP_USER_BASE      0x0000008000000000ULL  /* first user address */
#define WARP_USER_END       0x0000008040000000ULL  /* one past the last user address */
#define WARP_INFO_VA        (WARP_USER_BASE)              /* process information, read-only, 16 KiB */
#define WARP_VECTOR_VA      (WARP_USER_BASE + 0x100000)   /* vector page: trampoline and saved x87/SSE state, read-only */
#define WARP_STDIO_VA       (WARP_USER_BASE + 0x200000)   /* stdio block, 2 MiB region */
#define WARP_ARCHIVE_VA     (WARP_USER_BASE + 0x400000)   /* image archive header + index, read-only */
#define WARP_IMAGE_BASE     (WARP_USER_BASE + 0x800000)   /* executables are linked here ... */
#define WARP_IMAGE_END      (WARP_USER_BASE + 0x10000000) /* ... and must end below this */
#define WARP_MAP_BASE       (WARP_USER_BASE + 0x10000000) /* warp_map() places mappings here */
#define WARP_MAP_END        (WARP_USER_BASE + 0x3E000000)
#define WARP_AGENT_MMIO_VA  (WARP_USER_BASE + 0x3E000000) /* agent only: virtio-mmio window ... */
#define WARP_AGENT_MMIO_PAGES 4                           /* ... 0xFEB00000, 32 slots of 0x200 */
#define WARP_AGENT_DMA_VA   (WARP_USER_BASE + 0x3E200000) /* agent only: contiguous DMA memory */
#define WARP_STACK_TOP      (WARP_USER_END)               /* stack grows down from here */
#define WARP_STACK_SIZE     0x40000                       /* 256 KiB, mapped at start */
#define WARP_PAGE_SIZE      4096

/* ---- trapping call numbers ---- */
#define WARP_SYS_NOP        0   /* () -> 0: the cheapest trap, for measurements */
#define WARP_SYS_EXIT       1   /* (int code) -> does not return */
#define WARP_SYS_WRITE      2   /* (handle, buf, len) -> bytes written, the trapping form of write */
#define WARP_SYS_YIELD      3   /* () -> 0 */
#define WARP_SYS_CLOCK      4   /* () -> monotonic ns, the trapping form of warp_clock_ns */
#define WARP_SYS_MAP        5   /* (va or 0, len, flags) -> va */
#define WARP_SYS_UNMAP      6   /* (va, len) -> 0 */
#define WARP_SYS_SPAWN      7   /* (const struct warp_spawn *) -> pid */
#define WARP_SYS_WAITPID    8   /* (pid or -1, struct warp_exit *, flags) -> pid */
#define WARP_SYS_WAIT       9   /* (const struct warp_wait *, count, timeout ns) -> 0 or error */
#define WARP_SYS_WAKE       10  /* (pid) -> 0 */
#define WARP_SYS_KILL       11  /* (pid, signal) -> 0 */
#define WARP_SYS_PORTAL_MAP 12  /* reserved: map a Portal region; returns WARP_ENOSYS today */
#define WARP_SYS_COUNT      13

/* ---- errors (negative results) ---- */
#define WARP_EINVAL    (-1)
#define WARP_EFAULT    (-2)   /* a pointer outside the caller's mapped user memory */
#define WARP_ENOMEM    (-3)
#define WARP_ENOENT    (-4)
#define WARP_ENOEXEC   (-5)   /* not a valid executable for this ABI */
#define WARP_ESRCH     (-6)
#define WARP_EAGAIN    (-7)
#define WARP_ETIMEDOUT (-8)
#define WARP_ENOSYS    (-9)
#define WARP_EPERM     (-10)
#define WARP_EBUSY     (-11)
#define WARP_ECHILD    (-12)
#define WARP_EPIPE     (-13)  /* the other end of a ring is closed */

/* ---- handles ---- */
#define WARP_STDIN  0
#define WARP_STDOUT 1
#define WARP_STDERR 2

/* warp_map flags */
#define WARP_MAP_WRITE  0x1
#define WARP_MAP_FIXED  0x2   /* va is required, not a hint */
#define WARP_MAP_STDIO  0x4   /* a 2 MiB-aligned region that can be given to a child as its stdio */

/* warp_waitpid flags */
#define WARP_WNOHANG 0x1

/* how a process ended (struct warp_exit.kind), the control plane's EXIT kinds */
#define WARP_EXIT_CODE   0
#define WARP_EXIT_SIGNAL 1

/* signals: Linux x86-64 numbers, as the control plane uses them */
#define WARP_SIGINT  2
#define WARP_SIGILL  4
#define WARP_SIGFPE  8
#define WARP_SIGKILL 9
#define WARP_SIGSEGV 11
#define WARP_SIGTERM 15
#define WARP_SIGXCPU 24

struct warp_exit {
    int32_t kind;
    int32_t value;
};

/* One word to wait on: the call returns when *addr != value (or on a wake or the timeout). */
struct warp_wait {
    uint64_t addr;     /* user address of a 4-byte aligned 32-bit word */
    uint32_t value;
    uint32_t reserved;
};
#define WARP_WAIT_MAX 4
#define WARP_WAIT_FOREVER 0xFFFFFFFFFFFFFFFFULL

struct warp_spawn {
    uint32_t object;       /* index of an EXECUTABLE object in the image archive */
    uint32_t flags;        /* zero */
    uint64_t stdio_va;     /* a WARP_MAP_STDIO region of the caller; 0 = share the caller's stdio */
    uint64_t args;         /* argument block: see warp_args below */
    uint64_t args_len;
    uint64_t cpu_limit_ms; /* 0 = the kernel's default */
};

/*
 * Argument block: u32 argc, u32 envc, then argc + envc NUL-terminated strings. At most
 * WARP_ARGS_MAX bytes. The kernel copies it into the child's information page.
 */
#define WARP_ARGS_MAX (16384 - 512)

/* ---- process information page (WARP_INFO_VA, read-only) ---- */
#define WARP_INFO_MAGIC 0x4f464e49u /* "INFO" */
#define WARP_INFO_AGENT 0x1

struct warp_info {
    uint32_t magic;
    uint32_t abi_major;
    uint32_t pid;
    uint32_t ppid;
    uint64_t tsc_hz;          /* TSC ticks per second */
    uint64_t tsc_base;        /* TSC at kernel entry: the clock's zero */
    uint64_t ns_mult;         /* ns = ((tsc - tsc_base) * ns_mult) >> 32 */
    uint64_t cpu_limit_ms;
    uint32_t flags;           /* WARP_INFO_AGENT for the agent */
    uint32_t args_len;
    uint64_t args_offset;     /* from WARP_INFO_VA */
    char kernel_version[16];
    /* agent only */
    uint64_t dma_phys;        /* guest-physical address of WARP_AGENT_DMA_VA */
    uint64_t dma_len;
    uint64_t mmio_phys;       /* guest-physical address of WARP_AGENT_MMIO_VA */
    uint8_t secret[32];       /* the per-boot secret from boot/secret */
    uint32_t secret_len;
    uint32_t reserved0;
    uint64_t archive_bytes;   /* size of the image archive mapped at WARP_ARCHIVE_VA's source */
    uint64_t boot_tsc_ready;  /* TSC when the kernel started the agent */
    uint64_t stdio_pages;     /* pages a WARP_MAP_STDIO region of full size needs */
};

/* ---- stdio block (WARP_STDIO_VA): three byte rings and an exit record ---- */
#define WARP_STDIO_MAGIC 0x4f494453u /* "SDIO" */
#define WARP_RING_STDIN  0
#define WARP_RING_STDOUT 1
#define WARP_RING_STDERR 2

struct warp_ring {
    volatile uint32_t head;            /* bytes written so far (free-running) */
    volatile uint32_t tail;            /* bytes read so far (free-running) */
    uint32_t size;                     /* a power of two */
    uint32_t data_offset;              /* from the block's start */
    volatile uint32_t reader_waiting;  /* the reader sleeps in warp_wait on head */
    volatile uint32_t writer_waiting;  /* the writer sleeps in warp_wait on tail */
    volatile uint32_t closed;          /* writer: 1 = no more data; reader: 2 = gone */
    volatile uint32_t lock;            /* writers' spin lock (parent and children share rings) */
};

struct warp_stdio_block {
    uint32_t magic;
    uint32_t version;
    volatile uint32_t host_pid;        /* the process serving the other ends (the agent) */
    volatile uint32_t host_waiting;    /* it sleeps: writers and readers wake it */
    volatile uint32_t owner_pid;       /* the process the block was given to */
    volatile uint32_t state;           /* 0 running, 1 ended (written by the kernel) */
    volatile int32_t exit_kind;
    volatile int32_t exit_value;
    char exit_message[192];            /* NUL-terminated, e.g. the fault that ended it */
    struct warp_ring ring[3];
};
#define WARP_STDIO_STDIN_OFFSET   0x1000
#define WARP_STDIO_STDIN_SIZE     0x40000 /* 256 KiB: the control plane's whole initial window */
#define WARP_STDIO_STDOUT_OFFSET  0x41000
#define WARP_STDIO_STDOUT_SIZE    0x10000
#define WARP_STDIO_STDERR_OFFSET  0x51000
#define WARP_STDIO_STDERR_SIZE    0x4000
#define WARP_STDIO_BYTES          0x55000

/* ---- runtime library (libwarp.a) ---- */
#ifndef WARP_KERNEL

static inline long warp_trap0(long n) {
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(n) : "memory", "rcx", "r11");
    return r;
}
static inline long warp_trap3(long n, long a, long b, long c) {
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "memory", "rcx", "r11");
    return r;
}

#define warp_info() ((const struct warp_info *)WARP_INFO_VA)
#define warp_stdio() ((struct warp_stdio_block *)WARP_STDIO_VA)

/* ring calls: no trap unless they must block or wake a sleeper */
long warp_write(int handle, const void *buf, size_t len);  /* all bytes, or an error */
long warp_read(int handle, void *buf, size_t len);         /* >= 1 byte, 0 at end of file, or error */
long warp_close(int handle);
uint64_t warp_clock_ns(void);

/* trapping calls */
__attribute__((noreturn)) void warp_exit(int code);
long warp_sys_write(int handle, const void *buf, size_t len);
long warp_yield(void);
uint64_t warp_sys_clock_ns(void);
void *warp_map(void *va, size_t len, unsigned flags);  /* (void *)error on failure */
long warp_unmap(void *va, size_t len);
long warp_spawn(const struct warp_spawn *s);
long warp_waitpid(long pid, struct warp_exit *st, unsigned flags);
long warp_wait(const struct warp_wait *w, unsigned count, uint64_t timeout_ns);
long warp_wake(long pid);
long warp_kill(long pid, int sig);
long warp_nop(void);
long warp_portal_map(uint64_t portal, void *va, size_t len);

/* helpers */
long warp_find_object(const char *name);                /* index or WARP_ENOENT */
long warp_find_program(const char *name);               /* "/bin/x" -> bin/x; "x" -> x or bin/x */
long warp_spawn_program(const char *name, int argc, const char *const argv[]); /* shares stdio */
const char *warp_strerror(long err);
#define WARP_IS_ERR(p) ((uint64_t)(p) >= (uint64_t)-4095)

size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int puts(const char *s);
const char *warp_getenv(const char *name);
#endif

#endif
