/*
 * Boot: one C entry for both entry paths. Reads the PVH start info (command line, memory map, the
 * boot module), finds the per-boot secret, sets up traps and the timer, and starts the agent. Work at
 * CPL 0 is emulated on kvm_pvm, so this does as little as it can: no clearing of memory, no copies
 * of programs, one line on the console.
 */
#include "kernel.h"

struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};
struct hvm_modlist_entry { uint64_t paddr, size, cmdline_paddr, reserved; };
struct hvm_memmap_entry { uint64_t addr, size; uint32_t type, reserved; };

struct boot boot;
extern uint64_t boot_tsc;
extern char kernel_image_start[], kernel_image_end[];
extern const uint8_t agent_elf[], agent_elf_end[];
extern void trap_return(void);

static int starts_with(const char *s, const char *p) {
    while (*p) if (*s++ != *p++) return 0;
    return 1;
}

static void parse_cmdline(const char *c) {
    boot.cpu_limit_ms = 10000;
    if (!c) return;
    while (*c) {
        while (*c == ' ') c++;
        if (starts_with(c, "warp.cpu_limit_ms=")) {
            uint64_t v = 0;
            for (c += 18; *c >= '0' && *c <= '9'; c++) v = v * 10 + (uint64_t)(*c - '0');
            if (v) boot.cpu_limit_ms = v;
        } else if (starts_with(c, "warp.quiet")) {
            boot.quiet = 1;
        }
        while (*c && *c != ' ') c++;
    }
}

/* Checks an archive's header against the bytes available; returns its archiveBytes or 0. */
static uint64_t archive_check(const struct warp_archive_header *h, uint64_t avail) {
    if (avail < sizeof *h || !starts_with(h->magic, WARP_ARCHIVE_MAGIC) || h->format_version != WARP_ARCHIVE_VERSION) return 0;
    uint64_t bytes = h->archive_bytes;
    if (h->object_count == 0 || h->object_count > WARP_ARCHIVE_MAX_OBJECTS || h->index_offset != WARP_ARCHIVE_HEADER_BYTES) return 0;
    if (bytes > avail || (bytes & (PAGE_SIZE - 1)) || h->index_bytes > bytes - WARP_ARCHIVE_HEADER_BYTES) return 0;
    return bytes;
}

/* Copies boot/secret out of the boot archive and wipes it there: only the agent gets it. */
static void take_secret(uint8_t *a, uint64_t bytes) {
    const struct warp_archive_header *h = (const struct warp_archive_header *)a;
    const struct warp_archive_entry *e;
    uint64_t at = WARP_ARCHIVE_HEADER_BYTES;
    for (uint32_t i = 0; i < h->object_count && (e = warp_archive_next(h, &at)); i++) {
        if (warp_archive_name_is(h, e, "boot/secret", 11) &&
            e->offset <= bytes && e->length <= bytes - e->offset && e->length <= sizeof boot.secret) {
            kmemcpy(boot.secret, a + e->offset, e->length);
            boot.secret_len = (uint32_t)e->length;
            kmemset(a + e->offset, 0, e->length);
            return;
        }
    }
}

static void setup_module(struct hvm_start_info *si) {
    if (si->nr_modules < 1 || !si->modlist_paddr) return;
    struct hvm_modlist_entry *m = phys_ptr(si->modlist_paddr);
    boot.module_phys = m->paddr;
    boot.module_len = m->size;
    mm_reserve(m->paddr, m->paddr + m->size);
    if (m->paddr & (PAGE_SIZE - 1)) { kputs("warp-kernel: boot module is not page-aligned\n"); return; }
    uint8_t *a = phys_ptr(m->paddr);
    uint64_t bytes = archive_check((const struct warp_archive_header *)a, m->size);
    if (!bytes) { kputs("warp-kernel: boot module is not a valid image archive\n"); return; }
    boot.archive_phys = m->paddr;
    boot.archive_bytes = bytes;
    uint64_t boot_bytes = archive_check((const struct warp_archive_header *)(a + bytes), m->size - bytes);
    if (boot_bytes) take_secret(a + bytes, boot_bytes);
    /* one page table maps the header and index read-only into every process */
    uint64_t pages = (WARP_ARCHIVE_HEADER_BYTES + ((const struct warp_archive_header *)a)->index_bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t pt = page_alloc();
    if (!pt || pages > 512) return;
    for (uint64_t k = 0; k < pages; k++)
        ((uint64_t *)phys_ptr(pt))[k] = (m->paddr + k * PAGE_SIZE) | PTE_P | PTE_U | PTE_BORROWED;
    boot.archive_pt = pt;
    boot.archive_index_pages = pages;
}

static uint64_t ram_bytes;

/* Formatting a line costs ~1 ms of emulated instructions on kvm_pvm: the banner waits for idle time. */
static void banner(void) {
    char line[128];
    ksnprintf(line, sizeof line, "warp-kernel " KERNEL_VERSION ": %lu MiB, image %lu KiB, cpu limit %lu ms\n",
              ram_bytes >> 20, boot.archive_bytes >> 10, boot.cpu_limit_ms);
    __asm__ volatile("cli" ::: "memory");
    kputs(line);
    __asm__ volatile("sti" ::: "memory");
}

void kmain(struct hvm_start_info *si) {
    boot.tsc_entry = boot_tsc;
    boot.kernel_cr3 = read_cr3();
    if (si->magic != 0x336ec578) panic("no PVH start info (magic 0x%x)", si->magic);
    tsc_calibrate_start();
    parse_cmdline(si->cmdline_paddr ? phys_ptr(si->cmdline_paddr) : 0);
    uint64_t ram = 0;
    struct hvm_memmap_entry *mm = phys_ptr(si->memmap_paddr);
    for (uint32_t i = 0; si->memmap_paddr && i < si->memmap_entries; i++) {
        if (mm[i].type != 1) continue;
        ram += mm[i].size;
        uint64_t s = mm[i].addr < 0x100000 ? 0x100000 : mm[i].addr, e = mm[i].addr + mm[i].size;
        if (e > 0x100000000ULL) e = 0x100000000ULL;   /* the kernel's identity map ends at 4 GiB */
        if (s < e) mm_add_range(s, e);
    }
    mm_reserve((uint64_t)(uintptr_t)kernel_image_start, (uint64_t)(uintptr_t)kernel_image_end);
    setup_module(si);
    trap_init();
    lapic_init();
    ioapic_init();
    ram_bytes = ram;
    if (!boot.quiet) console_idle_job(banner);
    struct proc *agent = proc_start_agent(agent_elf, (uint64_t)(agent_elf_end - agent_elf));
    boot.tsc_hz = tsc_calibrate_end();
    boot.ns_mult = (1000000000ULL << 32) / boot.tsc_hz;
    boot.tsc_mult = ((boot.tsc_hz / 1000) << 32) / 1000000;
    proc_clock_info(agent);
    struct frame *f = schedule();
    __asm__ volatile("mov %0, %%rax; jmp trap_return" : : "r"(f) : "rax", "memory");
    __builtin_unreachable();
}
