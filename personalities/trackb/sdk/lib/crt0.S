/* Program entry: the kernel starts a program here with RSP at WARP_STACK_TOP. */
    .section .text.start, "ax"
    .globl _start
_start:
    xor %ebp, %ebp
    and $-16, %rsp
    call warp_start
1:  hlt
    jmp 1b
