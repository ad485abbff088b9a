package org.wslx.warp.backend.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.backend.MachineExit;
import org.wslx.warp.backend.MachineSpec;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.boot.elf64.Elf64DirectBoot;

/**
 * A small kernel that programs its local APIC timer the way the Track B kernel does (xAPIC, periodic,
 * vector 32) and leaves the legacy 8259s alone, as a kernel that never uses them may, must receive the
 * timer's interrupts and nothing else, even while a device line is raised: here the UART's IRQ 4, which
 * the guest raises by enabling the transmitter-empty interrupt. The guest counts timer interrupts and
 * every other vector while it watches the timer's current count reload 20 times, halts five times (each
 * ended by a tick), and powers off with (other vectors << 16) | timer interrupts.
 */
class LapicTimerInterruptTest {
    static final long CODE = 0x200000;
    private static final Pattern POWER_OFF = Pattern.compile("wrote 0x([0-9a-f]+) to port 0xf4");

    /*
     * At 0x200000; the IDT at 0x201000 (48 gates), the stack below 0x203000. RBX holds the APIC's base,
     * R15 counts timer interrupts, R12 any other vector, R14 timer periods, R13 the last current count.
     */
    static final byte[] COUNT_INTERRUPTS = {
        (byte) 0xBC, 0x00, 0x30, 0x20, 0x00,                             // mov $0x203000,%esp
        (byte) 0xBF, 0x00, 0x10, 0x20, 0x00,                             // mov $0x201000,%edi     IDT
        0x48, (byte) 0x8D, 0x05, (byte) 0xE2, 0x00, 0x00, 0x00,          // lea stray(%rip),%rax
        0x31, (byte) 0xC9,                                               // xor %ecx,%ecx
        (byte) 0xE8, (byte) 0x99, 0x00, 0x00, 0x00,                      // 1: call gate           vectors 0-47: stray
        (byte) 0xFF, (byte) 0xC1,                                        // inc %ecx
        (byte) 0x83, (byte) 0xF9, 0x30,                                  // cmp $48,%ecx
        0x72, (byte) 0xF4,                                               // jb 1b
        0x48, (byte) 0x8D, 0x05, (byte) 0xBE, 0x00, 0x00, 0x00,          // lea tick(%rip),%rax
        (byte) 0xB9, 0x20, 0x00, 0x00, 0x00,                             // mov $32,%ecx
        (byte) 0xE8, (byte) 0x81, 0x00, 0x00, 0x00,                      // call gate              vector 32: tick
        0x0F, 0x01, 0x1D, (byte) 0xC1, 0x00, 0x00, 0x00,                 // lidt idtr(%rip)
        0x45, 0x31, (byte) 0xFF,                                         // xor %r15d,%r15d
        0x45, 0x31, (byte) 0xE4,                                         // xor %r12d,%r12d
        (byte) 0xBB, 0x00, 0x00, (byte) 0xE0, (byte) 0xFE,               // mov $0xfee00000,%ebx
        (byte) 0xC7, (byte) 0x83, (byte) 0xF0, 0x00, 0x00, 0x00, (byte) 0xFF, 0x01, 0x00, 0x00, // SVR = 0x1ff: on, spurious 0xff
        (byte) 0xC7, (byte) 0x83, (byte) 0xE0, 0x03, 0x00, 0x00, 0x0B, 0x00, 0x00, 0x00,        // divide by 1
        (byte) 0xC7, (byte) 0x83, 0x20, 0x03, 0x00, 0x00, 0x20, 0x00, 0x02, 0x00,               // LVT timer: periodic, vector 32
        (byte) 0xC7, (byte) 0x83, (byte) 0x80, 0x03, 0x00, 0x00, 0x40, 0x42, 0x0F, 0x00,        // initial count 1000000 (1 ms)
        0x66, (byte) 0xBA, (byte) 0xF9, 0x03,                            // mov $0x3f9,%dx         UART IER
        (byte) 0xB0, 0x02,                                               // mov $2,%al             transmitter empty
        (byte) 0xEE,                                                     // out %al,(%dx)          raises IRQ 4
        0x45, 0x31, (byte) 0xF6,                                         // xor %r14d,%r14d
        0x44, (byte) 0x8B, (byte) 0xAB, (byte) 0x90, 0x03, 0x00, 0x00,   // mov 0x390(%rbx),%r13d  current count
        (byte) 0xFB,                                                     // sti
        (byte) 0x8B, (byte) 0x83, (byte) 0x90, 0x03, 0x00, 0x00,         // 2: mov 0x390(%rbx),%eax
        0x44, 0x39, (byte) 0xE8,                                         // cmp %r13d,%eax
        0x41, (byte) 0x89, (byte) 0xC5,                                  // mov %eax,%r13d
        0x76, (byte) 0xF2,                                               // jbe 2b                 still counting down
        0x41, (byte) 0xFF, (byte) 0xC6,                                  // inc %r14d              it reloaded
        0x41, (byte) 0x83, (byte) 0xFE, 0x14,                            // cmp $20,%r14d
        0x72, (byte) 0xE9,                                               // jb 2b
        0x41, (byte) 0xBE, 0x05, 0x00, 0x00, 0x00,                       // mov $5,%r14d
        (byte) 0xF4,                                                     // 3: hlt                 a tick ends it
        0x41, (byte) 0xFF, (byte) 0xCE,                                  // dec %r14d
        0x75, (byte) 0xFA,                                               // jnz 3b
        (byte) 0xFA,                                                     // cli
        0x44, (byte) 0x89, (byte) 0xE0,                                  // mov %r12d,%eax
        (byte) 0xC1, (byte) 0xE0, 0x10,                                  // shl $16,%eax
        0x44, 0x09, (byte) 0xF8,                                         // or %r15d,%eax
        0x66, (byte) 0xBA, (byte) 0xF4, 0x00,                            // mov $0xf4,%dx
        (byte) 0xEF,                                                     // out %eax,(%dx)         power off with the counts
        (byte) 0xF4,                                                     // 4: hlt
        (byte) 0xEB, (byte) 0xFD,                                        // jmp 4b
        0x48, (byte) 0x89, (byte) 0xCE,                                  // gate: mov %rcx,%rsi    gate ECX at [RDI] -> RAX
        0x48, (byte) 0xC1, (byte) 0xE6, 0x04,                            // shl $4,%rsi
        0x48, 0x01, (byte) 0xFE,                                         // add %rdi,%rsi
        0x66, (byte) 0x89, 0x06,                                         // mov %ax,(%rsi)         offset 15:0
        0x66, (byte) 0xC7, 0x46, 0x02, 0x10, 0x00,                       // movw $0x10,0x2(%rsi)   kernel code
        0x66, (byte) 0xC7, 0x46, 0x04, 0x00, (byte) 0x8E,                // movw $0x8e00,0x4(%rsi) interrupt gate
        0x48, (byte) 0x89, (byte) 0xC2,                                  // mov %rax,%rdx
        0x48, (byte) 0xC1, (byte) 0xEA, 0x10,                            // shr $16,%rdx
        0x66, (byte) 0x89, 0x56, 0x06,                                   // mov %dx,0x6(%rsi)      offset 31:16
        0x48, (byte) 0xC1, (byte) 0xEA, 0x10,                            // shr $16,%rdx
        (byte) 0x89, 0x56, 0x08,                                         // mov %edx,0x8(%rsi)     offset 63:32
        (byte) 0xC7, 0x46, 0x0C, 0x00, 0x00, 0x00, 0x00,                 // movl $0,0xc(%rsi)
        (byte) 0xC3,                                                     // ret
        0x41, (byte) 0xFF, (byte) 0xC7,                                  // tick: inc %r15d
        (byte) 0xC7, (byte) 0x83, (byte) 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // movl $0,0xb0(%rbx)  EOI
        0x48, (byte) 0xCF,                                               // iretq
        0x41, (byte) 0xFF, (byte) 0xC4,                                  // stray: inc %r12d
        0x48, (byte) 0xCF,                                               // iretq
        (byte) 0xFF, 0x02,                                               // idtr: limit 48 * 16 - 1
        0x00, 0x10, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00                   //       base 0x201000
    };

    private final KvmBackend backend = new KvmBackend();

    @TempDir
    Path dir;

    @BeforeEach
    void requireKvm() {
        UsableKvm.assume();
        backend.configure(name -> null);
        backend.addBootMethod(new Elf64DirectBoot());
    }

    @Test
    void onlyTheApicTimersVectorReachesAGuestThatLeavesThe8259sAlone() throws Exception {
        Path kernel = Files.write(dir.resolve("timer.elf"), new TestElf().entry(CODE).segment(CODE, COUNT_INTERRUPTS, 0x3000, 7).build());
        Path run = dir.resolve("run");
        MachineSpec spec = new MachineSpec("timer", new BootPayload("elf64", kernel, List.of(), ""), 1, 64, List.of(), run,
                run.resolve("console.log"));
        MachineExit exit = backend.launch(spec).exit().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Matcher m = POWER_OFF.matcher(exit.reason());
        assertTrue(exit.requested() && m.find(), "the guest did not power off: " + exit.reason());
        long counts = Long.parseLong(m.group(1), 16);
        long ticks = counts & 0xFFFF;
        long others = counts >>> 16;
        System.out.println("timer interrupts: " + ticks + ", other vectors: " + others);
        assertEquals(0, others, "vectors other than the timer's reached the guest (the UART's raised IRQ 4 through an unprogrammed 8259?)");
        // 20 reloads seen while spinning (the loop may miss some under emulation) and 5 halts each ended by a tick.
        assertTrue(ticks >= 20 && ticks <= 60, ticks + " timer interrupts in 20 timer periods and 5 halts");
    }
}
