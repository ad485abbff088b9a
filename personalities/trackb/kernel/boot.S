/*
 * Entry points, descriptor tables and trap stubs.
 *  - _start: 64-bit direct entry (WARP's monitor): long mode, identity-mapped [0, 4 GiB), RBX = hvm_start_info.
 *  - pvh_entry32: 32-bit PVH entry (QEMU -kernel): protected mode, no paging, EBX = hvm_start_info;
 *    builds an identity map of [0, 4 GiB) with 2 MiB pages, enters long mode and joins the 64-bit path.
 */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10

/* ---- ELF notes: PVH entry for QEMU, version and features for the host ---- */
    .section .note.Xen, "a", @note
    .p2align 2
    .long 4, 4, 18          /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long pvh_entry32

    .section .note.warp, "a", @note
    .p2align 2
    .long 5, 6f - 5f, 1     /* WARP type 1: version */
    .asciz "WARP"
    .p2align 2
5:  .asciz "0.1.0"
6:  .p2align 2
    .long 5, 8f - 7f, 2     /* WARP type 2: features */
    .asciz "WARP"
    .p2align 2
7:  .asciz "spawn,clock,map,wait,yield,ring-stdio,signals,cpu-limit"
8:  .p2align 2
    .long 5, 4, 3           /* WARP type 3: ABI major */
    .asciz "WARP"
    .p2align 2
    .long 1

/* ---- 32-bit PVH entry ---- */
    .section .text.boot, "ax"
    .code32
    .globl pvh_entry32
pvh_entry32:
    cli
    mov %ebx, %esi
    rdtsc
    mov %eax, boot_tsc
    mov %edx, boot_tsc + 4
    /* PML4[0] -> PDPT; PDPT[0..3] -> 4 PDs; PD entries: 2 MiB pages, present + writable */
    mov $boot_pdpt, %eax
    or $3, %eax
    mov %eax, boot_pml4
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $12, %eax
    add $boot_pd, %eax
    or $3, %eax
    mov %eax, boot_pdpt(,%ecx,8)
    inc %ecx
    cmp $4, %ecx
    jne 1b
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax
    mov %eax, boot_pd(,%ecx,8)
    mov %ecx, %eax
    shr $11, %eax
    mov %eax, boot_pd + 4(,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jne 2b
    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $0x620, %eax         /* PAE | OSFXSR | OSXMMEXCPT: SSE for programs, as on the 64-bit entry */
    mov %eax, %cr4
    mov $0xC0000080, %ecx
    rdmsr
    or $0x100, %eax         /* EFER.LME */
    wrmsr
    mov %cr0, %eax
    or $0x80010023, %eax    /* PG | WP | NE | MP | PE */
    mov %eax, %cr0
    lgdt gdt_ptr
    ljmp $SEL_KCODE, $from32

    .code64
from32:
    mov %esi, %ebx
    jmp common64

/* ---- 64-bit direct entry ---- */
    .globl _start
_start:
    cli
    rdtsc
    mov %eax, boot_tsc(%rip)
    mov %edx, boot_tsc + 4(%rip)
common64:
    lea boot_stack_top(%rip), %rsp
    lgdt gdt_ptr(%rip)
    mov $SEL_KDATA, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %eax, %eax
    mov %ax, %fs
    mov %ax, %gs
    pushq $SEL_KCODE
    lea 1f(%rip), %rax
    pushq %rax
    lretq
1:  mov %rbx, %rdi
    call kmain
2:  hlt
    jmp 2b

/* ---- trap stubs: push a dummy error code where the CPU does not, then the vector ---- */
    .section .text
.macro STUB vec, err=0
    .globl trap_stub_\vec
trap_stub_\vec:
    .if \err == 0
    pushq $0
    .endif
    pushq $\vec
    jmp trap_common
.endm
    STUB 0
    STUB 1
    STUB 2
    STUB 3
    STUB 4
    STUB 5
    STUB 6
    STUB 7
    STUB 8, 1
    STUB 9
    STUB 10, 1
    STUB 11, 1
    STUB 12, 1
    STUB 13, 1
    STUB 14, 1
    STUB 15
    STUB 16
    STUB 17, 1
    STUB 18
    STUB 19
    STUB 20
    STUB 21, 1
    STUB 32
    STUB 48
    STUB 49
    STUB 50
    STUB 51
    STUB 52
    STUB 53
    STUB 54
    STUB 55
    STUB 128
    STUB 255

trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    call trap_dispatch
    /* rax: the frame to resume, perhaps another process's */
    .globl trap_return
trap_return:
    mov %rax, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp
    iretq

/* ---- descriptor tables ---- */
    .section .data
    .p2align 4
    .globl gdt
gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF    /* 0x08 kernel code, 64-bit */
    .quad 0x00CF92000000FFFF    /* 0x10 kernel data */
    .quad 0x00CFF2000000FFFF    /* 0x18 user data (0x1B) */
    .quad 0x00AFFA000000FFFF    /* 0x20 user code, 64-bit (0x23) */
    .globl gdt_tss
gdt_tss:
    .quad 0, 0                  /* 0x28 TSS, filled in by trap_init */
gdt_end:
    .globl gdt_ptr
gdt_ptr:
    .word gdt_end - gdt - 1
    .quad gdt

    .section .bss
    .p2align 12
    .globl boot_pml4, boot_pdpt, boot_pd
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4096 * 4
    .p2align 4
    .skip 8192
boot_stack_top:
    .globl boot_tsc
boot_tsc: .quad 0
