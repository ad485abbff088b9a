/*
 * Boots a sandbox machine image in QEMU the way the sandbox monitor starts it, for the benchmark's
 * QEMU peer. QEMU loads this ELF through its PVH note and enters pvh_start in 32-bit protected mode
 * without paging. The code copies the machine image's chunks (placed high by chunks.S, out of the
 * firmware's way) to their guest addresses, enables long mode with the image's own CR3, GDT, IDT and
 * TSS, and irets to the runtime's entry stub at CPL 3 with the call's registers. The guest's result
 * port is QEMU's isa-debug-exit device, so QEMU exits when the function returns.
 * machine.h (generated) defines MACHINE_* from the same machine image file the C peer reads.
 */
#include "machine.h"
#define LOW_BASE 0x2800

    .section .note.Xen, "a", @note
    .align 4
    .long 4, 4, 18              /* name size, desc size, XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .align 4
    .long pvh_start
    .align 4

    .section .text.boot, "ax"
    .code32
    .globl pvh_start
pvh_start:
    cli
    cld
    mov $boot_stack_top, %esp
    mov $copy_table, %ebx
1:  mov 8(%ebx), %ecx           /* length; 0 ends the table */
    test %ecx, %ecx
    jz 2f
    mov (%ebx), %esi            /* source */
    mov 4(%ebx), %edi           /* destination */
    rep movsb
    add $12, %ebx
    jmp 1b
    /* The code that turns paging on must run where the image's page tables map it: the unused
       half of the fault-stub page (supervisor, executable). Copy it there, then jump to it. */
2:  mov $low_load, %esi
    mov $LOW_BASE, %edi
    mov $(low_end - low_start), %ecx
    rep movsb
    movb $0x89, MACHINE_GDT_BASE + 0x28 + 5   /* TSS descriptor available, so ltr accepts it */
    mov $LOW_BASE, %eax
    jmp *%eax

    .section .text.low, "ax"
low_start:
    mov $MACHINE_CR4, %eax
    mov %eax, %cr4
    mov $MACHINE_CR3, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx       /* EFER */
    rdmsr
    or $0x900, %eax             /* LME, NXE */
    wrmsr
    lgdt gdt_pointer
    mov $MACHINE_CR0, %eax
    mov %eax, %cr0
    ljmp $0x08, $long_mode

    .code64
long_mode:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x4000, %esp           /* the fault stack: mapped, supervisor */
    mov $0x28, %ax
    ltr %ax
    lidt idt_pointer
    pushq $0x23                 /* user SS */
    pushq $MACHINE_STACK_TOP
    pushq $2                    /* RFLAGS */
    pushq $0x1b                 /* user CS */
    pushq $MACHINE_ENTRY
    mov $MACHINE_INPUT_BASE, %rdi
    mov $MACHINE_INPUT_LENGTH, %rsi
    mov $MACHINE_OUTPUT_BASE, %rdx
    mov $MACHINE_OUTPUT_CAPACITY, %rcx
    mov $MACHINE_FUNCTION, %r8
    iretq
    .align 16
gdt_pointer:
    .word MACHINE_GDT_LIMIT
    .quad MACHINE_GDT_BASE
    .align 16
idt_pointer:
    .word MACHINE_IDT_LIMIT
    .quad MACHINE_IDT_BASE
low_end:

    .section .data.boot, "aw"
    .align 16
    .space 4096
boot_stack_top:
    .section .note.GNU-stack, "", @progbits
