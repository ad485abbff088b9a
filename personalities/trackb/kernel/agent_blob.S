/* The agent, a user-mode program, embedded page-aligned so its pages can be mapped, not copied. */
    .section .agent, "a"
    .p2align 12
    .globl agent_elf, agent_elf_end
agent_elf:
    .incbin AGENT_ELF
agent_elf_end:
    .p2align 12
