/*
 * Physical pages and address spaces.
 *
 * Memory the kernel has never handed out reads as zero (both backends give the guest zeroed RAM),
 * so fresh pages come from bump ranges without clearing them: clearing a page costs hundreds of
 * emulated instructions at CPL 0 on kvm_pvm. Freed pages go to a "dirty" list and are cleared when
 * they are reused; page-table pages whose entries were removed one by one go to a "clean" list.
 *
 * Every process has its own PML4: slot 0 is the kernel's identity map (supervisor only), slot 1 one
 * PDPT whose first entry is one PD covering the user range [WARP_USER_BASE, WARP_USER_END).
 */
#include "kernel.h"

#define MAX_RANGES 16
static struct { uint64_t start, end; } ranges[MAX_RANGES];
static int nranges;
static uint64_t dirty_list, clean_list, huge_list;
static uint64_t free_count;

/* Eight bytes per step: each step of a rep string instruction costs ~0.5 us when emulated. */
void kmemcpy(void *d, const void *s, size_t n) {
    size_t q = n >> 3, b = n & 7;
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(q) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(b) : : "memory");
}

void kmemset(void *d, int c, size_t n) {
    size_t q = n >> 3, b = n & 7;
    uint64_t v = 0x0101010101010101ULL * (uint8_t)c;
    __asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(b) : "a"(v) : "memory");
}

static void zero_page(uint64_t pa) {
    void *d = phys_ptr(pa);
    size_t n = PAGE_SIZE / 8;
    __asm__ volatile("rep stosq" : "+D"(d), "+c"(n) : "a"(0) : "memory");
}

void mm_add_range(uint64_t start, uint64_t end) {
    start = (start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    end &= ~(PAGE_SIZE - 1);
    if (start >= end || nranges == MAX_RANGES) return;
    ranges[nranges].start = start;
    ranges[nranges].end = end;
    nranges++;
}

void mm_reserve(uint64_t start, uint64_t end) {
    start &= ~(PAGE_SIZE - 1);
    end = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    for (int i = 0; i < nranges; i++) {
        uint64_t s = ranges[i].start, e = ranges[i].end;
        if (end <= s || start >= e) continue;
        ranges[i].end = start > s ? start : s;       /* keep what lies below */
        if (end < e) mm_add_range(end, e);            /* and what lies above */
    }
}

uint64_t mm_free_pages(void) {
    uint64_t n = free_count;
    for (int i = 0; i < nranges; i++) n += (ranges[i].end - ranges[i].start) / PAGE_SIZE;
    return n;
}

uint64_t page_alloc(void) {
    uint64_t pa;
    if (clean_list) {
        pa = clean_list;
        clean_list = *(uint64_t *)phys_ptr(pa);
        *(uint64_t *)phys_ptr(pa) = 0;
        free_count--;
        return pa;
    }
    for (int i = 0; i < nranges; i++) {
        if (ranges[i].start < ranges[i].end) {
            pa = ranges[i].start;
            ranges[i].start += PAGE_SIZE;
            return pa;
        }
    }
    if (dirty_list) {
        pa = dirty_list;
        dirty_list = *(uint64_t *)phys_ptr(pa);
        free_count--;
        zero_page(pa);
        return pa;
    }
    return 0;
}

void page_free(uint64_t pa) {
    *(uint64_t *)phys_ptr(pa) = dirty_list;
    dirty_list = pa;
    free_count++;
}

void page_free_clean(uint64_t pa) {
    *(uint64_t *)phys_ptr(pa) = clean_list;
    clean_list = pa;
    free_count++;
}

uint64_t huge_alloc(void) {
    if (huge_list) {
        uint64_t pa = huge_list;
        huge_list = *(uint64_t *)phys_ptr(pa);
        return pa;
    }
    for (int i = 0; i < nranges; i++) {
        uint64_t s = ranges[i].start, e = ranges[i].end;
        uint64_t a = (s + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1);
        if (a + HUGE_SIZE > e || a + HUGE_SIZE < a) continue;
        ranges[i].end = a;
        mm_add_range(a + HUGE_SIZE, e);
        return a;
    }
    return 0;
}

void huge_free(uint64_t pa) {
    *(uint64_t *)phys_ptr(pa) = huge_list;
    huge_list = pa;
}

/* ---- address spaces ---- */

int user_range_ok(uint64_t va, uint64_t n) {
    return va >= WARP_USER_BASE && va <= WARP_USER_END && n <= WARP_USER_END - va;
}

int as_create(struct proc *p) {
    uint64_t pml4 = page_alloc(), pdpt = page_alloc(), pd = page_alloc();
    if (!pml4 || !pdpt || !pd) {
        if (pml4) page_free_clean(pml4);
        if (pdpt) page_free_clean(pdpt);
        if (pd) page_free_clean(pd);
        return WARP_ENOMEM;
    }
    uint64_t *l4 = phys_ptr(pml4);
    l4[0] = ((uint64_t *)phys_ptr(boot.kernel_cr3))[0];
    l4[1] = pdpt | PTE_P | PTE_W | PTE_U;
    ((uint64_t *)phys_ptr(pdpt))[0] = pd | PTE_P | PTE_W | PTE_U;
    p->cr3 = pml4;
    p->pdpt = pdpt;
    p->pd = phys_ptr(pd);
    p->npts = 0;
    p->nregions = 0;
    return 0;
}

static inline unsigned pd_index(uint64_t va) { return (unsigned)((va - WARP_USER_BASE) >> 21); }

uint64_t as_pde(struct proc *p, uint64_t va) {
    if (!user_range_ok(va, 1) || va == WARP_USER_END) return 0;
    return p->pd[pd_index(va)];
}

int as_map(struct proc *p, uint64_t va, uint64_t phys, uint64_t flags) {
    unsigned i = pd_index(va);
    uint64_t pde = p->pd[i];
    if (!(pde & PTE_P)) {
        if (p->npts == MAX_PTS) return WARP_ENOMEM;
        uint64_t pt = page_alloc();
        if (!pt) return WARP_ENOMEM;
        p->pts[p->npts++] = pt | i;
        pde = pt | PTE_P | PTE_W | PTE_U;
        p->pd[i] = pde;
    } else if (pde & (PTE_PS | PTE_BORROWED)) {
        return WARP_EBUSY;
    }
    uint64_t *pt = phys_ptr(pde & PTE_ADDR);
    pt[(va >> 12) & 511] = (phys & PTE_ADDR) | flags | PTE_P | PTE_U;
    return 0;
}

int as_map_huge(struct proc *p, uint64_t va, uint64_t pde) {
    unsigned i = pd_index(va);
    if (p->pd[i] & PTE_P) return WARP_EBUSY;
    p->pd[i] = pde;
    return 0;
}

int region_add(struct proc *p, uint64_t va, uint32_t pages, int huge) {
    if (p->nregions == MAX_REGIONS) return WARP_ENOMEM;
    p->regions[p->nregions].va = va;
    p->regions[p->nregions].pages = pages;
    p->regions[p->nregions].huge = (uint16_t)huge;
    p->regions[p->nregions].demand = 0;
    p->nregions++;
    return 0;
}

/* Fresh zero pages given on first touch: mapping a page costs ~60 emulated instructions, so pages
   a program never touches (most of its stack, much of its bss) should cost nothing. */
int region_add_demand(struct proc *p, uint64_t va, uint32_t pages, uint64_t pte_flags) {
    int err = region_add(p, va, pages, 0);
    if (!err) p->regions[p->nregions - 1].demand = (uint16_t)(pte_flags | PTE_P);
    return err;
}

/* A not-present fault at va: 0 when va lies in a demand region and now has a page. */
int as_fault(struct proc *p, uint64_t va) {
    for (uint32_t r = 0; r < p->nregions; r++) {
        struct region *g = &p->regions[r];
        if (!g->demand || va < g->va || va - g->va >= (uint64_t)g->pages * PAGE_SIZE) continue;
        uint64_t pa = page_alloc();
        if (!pa) return WARP_ENOMEM;
        int err = as_map(p, va & ~(PAGE_SIZE - 1), pa, g->demand & PTE_W);
        if (err) page_free(pa);
        return err;
    }
    return WARP_EFAULT;
}

/* Gives back what the process owns; borrowed pages (archive, shared stdio) stay with their owner. */
void as_destroy(struct proc *p) {
    if (!p->cr3) return;
    if (read_cr3() == p->cr3) write_cr3(boot.kernel_cr3);
    for (uint32_t r = 0; r < p->nregions; r++) {
        struct region *rg = &p->regions[r];
        if (rg->huge) {
            uint64_t *pde = &p->pd[pd_index(rg->va)];
            if ((*pde & PTE_P) && (*pde & PTE_PS) && !(*pde & PTE_BORROWED)) huge_free(*pde & PTE_ADDR & ~(HUGE_SIZE - 1));
            *pde = 0;
            continue;
        }
        uint64_t va = rg->va, end = rg->va + (uint64_t)rg->pages * PAGE_SIZE;
        while (va < end) {   /* one page table at a time */
            uint64_t chunk_end = (va | (HUGE_SIZE - 1)) + 1;
            if (chunk_end > end) chunk_end = end;
            uint64_t pde = p->pd[pd_index(va)];
            if ((pde & PTE_P) && !(pde & PTE_PS)) {
                uint64_t *pte = (uint64_t *)phys_ptr(pde & PTE_ADDR) + ((va >> 12) & 511);
                uint64_t *last = pte + ((chunk_end - va) >> 12);
                for (; pte < last; pte++) {
                    uint64_t e = *pte;
                    if (!e) continue;
                    if ((e & PTE_P) && !(e & PTE_BORROWED)) page_free(e & PTE_ADDR);
                    *pte = 0;
                }
            }
            va = chunk_end;
        }
    }
    for (uint32_t k = 0; k < p->npts; k++) {
        p->pd[p->pts[k] & 511] = 0;
        page_free_clean(p->pts[k] & PTE_ADDR);
    }
    uint64_t *l4 = phys_ptr(p->cr3);
    l4[0] = 0;
    l4[1] = 0;
    *(uint64_t *)phys_ptr(p->pdpt) = 0;
    page_free_clean((uint64_t)(uintptr_t)p->pd);
    page_free_clean(p->pdpt);
    page_free_clean(p->cr3);
    p->cr3 = 0;
    p->npts = p->nregions = 0;
}

/* The guest-physical address of user address va, or 0 when the process may not access it. */
uint64_t user_phys(struct proc *p, uint64_t va, int write) {
    if (va < WARP_USER_BASE || va >= WARP_USER_END) return 0;
    uint64_t pde = p->pd[pd_index(va)];
    if (!(pde & PTE_P) || !(pde & PTE_U) || (write && !(pde & PTE_W))) return 0;
    if (pde & PTE_PS) return (pde & PTE_ADDR & ~(HUGE_SIZE - 1)) + (va & (HUGE_SIZE - 1));
    uint64_t pte = ((uint64_t *)phys_ptr(pde & PTE_ADDR))[(va >> 12) & 511];
    if (!(pte & PTE_P) || !(pte & PTE_U) || (write && !(pte & PTE_W))) return 0;
    if (pte & (PTE_PCD | PTE_PWT)) return 0;   /* device memory is not for the kernel to copy */
    return (pte & PTE_ADDR) + (va & (PAGE_SIZE - 1));
}

/* user_phys, giving a demand-zero page first if va has none yet */
uint64_t user_phys_touch(struct proc *p, uint64_t va, int write) {
    uint64_t pa = user_phys(p, va, write);
    if (!pa && !as_fault(p, va)) pa = user_phys(p, va, write);
    return pa;
}

static int copy_user(struct proc *p, uint64_t va, void *kbuf, uint64_t n, int to_user) {
    uint8_t *k = kbuf;
    while (n) {
        uint64_t pa = user_phys_touch(p, va, to_user);
        if (!pa) return WARP_EFAULT;
        uint64_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > n) chunk = n;
        if (to_user) kmemcpy(phys_ptr(pa), k, chunk);
        else kmemcpy(k, phys_ptr(pa), chunk);
        va += chunk;
        k += chunk;
        n -= chunk;
    }
    return 0;
}

int copy_from_user(struct proc *p, void *dst, uint64_t va, uint64_t n) { return copy_user(p, va, dst, n, 0); }
int copy_to_user(struct proc *p, uint64_t va, const void *src, uint64_t n) { return copy_user(p, va, (void *)src, n, 1); }
