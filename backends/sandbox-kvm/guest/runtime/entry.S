/*
 * The only code between the host and a sandbox function. The host enters here at CPL 3 with
 *   rdi = input address, rsi = input length, rdx = output address, rcx = output capacity,
 *   r8  = the function's address, rsp = top of the stack (16-byte aligned),
 * so the first four are already the function's System V arguments. When it returns, its result
 * goes to the host through one port write that the TSS I/O bitmap allows at CPL 3; the host never
 * resumes the vCPU after that, so the ud2 only stops a host that would.
 */
    .section .text.warp_entry, "ax"
    .globl warp_entry
    .type warp_entry, @function
warp_entry:
    call *%r8
    out %eax, $0xf4
    ud2
    .size warp_entry, . - warp_entry
    .section .note.GNU-stack, "", @progbits
