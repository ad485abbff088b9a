package org.wslx.warp.vmm.bench;

import java.util.Arrays;
import org.wslx.warp.vmm.kvm.KvmHostProbe;
import org.wslx.warp.vmm.kvm.KvmHostStatus;
import org.wslx.warp.vmm.kvm.KvmSystem;
import org.wslx.warp.vmm.kvm.KvmVcpu;
import org.wslx.warp.vmm.kvm.KvmVm;
import org.wslx.warp.vmm.kvm.VcpuExit;
import org.wslx.warp.vmm.memory.GuestMemory;
import org.wslx.warp.vmm.testing.LongModeGuest;

/**
 * Prints medians of the monitor's basic costs on this host: VM create and destroy, a port-IO exit round trip,
 * and snapshot reset. Not a test: run it by hand (see the bundle's README) next to the C peer in
 * src/test/c/kvm_peer.c, which does the same ioctls.
 */
public final class VmmBenchmark {
    private static final byte[] OUT_LOOP = {
            0x66, (byte) 0xba, (byte) 0xf0, 0x03, // 1: mov $0x3f0, %dx
            (byte) 0xee,                          // out %al, (%dx)
            (byte) 0xeb, (byte) 0xf9};            // jmp 1b
    private static final byte[] DIRTY_RCX_PAGES = {
            0x48, (byte) 0xc7, (byte) 0xc7, 0x00, 0x00, 0x18, 0x00, // mov $0x180000, %rdi
            0x48, (byte) 0xc7, 0x07, 0x01, 0x00, 0x00, 0x00,        // 1: movq $1, (%rdi)
            0x48, (byte) 0x81, (byte) 0xc7, 0x00, 0x10, 0x00, 0x00, // add $0x1000, %rdi
            0x48, (byte) 0xff, (byte) 0xc9,                         // dec %rcx
            0x75, (byte) 0xed,                                      // jnz 1b
            0x66, (byte) 0xba, (byte) 0xf1, 0x03,                   // mov $0x3f1, %dx
            (byte) 0xee};                                           // out %al, (%dx)

    private VmmBenchmark() {
    }

    public static void main(String[] args) {
        KvmHostStatus status = KvmHostProbe.probe();
        System.out.println("# " + status.summary());
        if (!status.usable()) {
            return;
        }
        try (KvmSystem kvm = KvmSystem.open()) {
            System.out.println("| measurement | median | p90 | samples |");
            System.out.println("|---|---|---|---|");
            createDestroy(kvm, 2L << 20);
            createDestroy(kvm, 256L << 20);
            portIo(kvm, 3);
            portIo(kvm, 0);
            hostDirtyReset(kvm);
            guestDirtyReset(kvm, 3);
        }
    }

    private static void createDestroy(KvmSystem kvm, long size) {
        int n = 200;
        long[] create = new long[n];
        long[] destroy = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            GuestMemory memory = GuestMemory.builder().region(0, size).build();
            KvmVm vm = kvm.createVm();
            vm.registerMemory(memory);
            vm.createVcpu(0);
            long t1 = System.nanoTime();
            vm.close();
            memory.close();
            long t2 = System.nanoTime();
            create[i] = t1 - t0;
            destroy[i] = t2 - t1;
        }
        row("VM create (memfd " + (size >> 20) + " MiB + slot + 1 vCPU)", create, 20);
        row("VM destroy (" + (size >> 20) + " MiB)", destroy, 20);
    }

    private static void portIo(KvmSystem kvm, int cpl) {
        try (LongModeGuest g = new LongModeGuest(kvm, OUT_LOOP, cpl)) {
            KvmVcpu vcpu = g.vcpu;
            int n = cpl == 3 ? 50_000 : 20_000;
            long[] t = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                VcpuExit exit = vcpu.run();
                t[i] = System.nanoTime() - t0;
                if (!(exit instanceof VcpuExit.PortOut)) {
                    throw new IllegalStateException("unexpected " + exit);
                }
            }
            row("port-IO exit round trip, guest at CPL " + cpl + " (KVM_RUN to PortOut)", t, n / 5);
        }
    }

    private static void hostDirtyReset(KvmSystem kvm) {
        long size = 64L << 20;
        try (GuestMemory memory = GuestMemory.builder().region(0, size).build(); KvmVm vm = kvm.createVm()) {
            vm.registerMemory(memory);
            for (long a = 0; a < size; a += 4096) {
                memory.writeU64(a, a);
            }
            memory.snapshot();
            for (int pages : new int[] {0, 1, 64, 1024, 16384}) {
                int n = pages >= 1024 ? 20 : 200;
                long[] t = new long[n];
                for (int i = 0; i < n; i++) {
                    for (long p = 0; p < pages; p++) {
                        memory.writeU64(p * 4096, -1L);
                    }
                    long t0 = System.nanoTime();
                    memory.resetToSnapshot();
                    t[i] = System.nanoTime() - t0;
                }
                if (memory.readU64(4096) != 4096) {
                    throw new IllegalStateException("reset did not restore the snapshot");
                }
                row("snapshot reset, 64 MiB memory, " + pages + " pages dirtied by the host", t, n / 10);
            }
        }
    }

    private static void guestDirtyReset(KvmSystem kvm, int cpl) {
        try (LongModeGuest g = new LongModeGuest(kvm, DIRTY_RCX_PAGES, cpl)) {
            g.memory.snapshot();
            int pages = 64;
            int n = 200;
            long[] reset = new long[n];
            long[] run = new long[n];
            for (int i = 0; i < n + 10; i++) {
                g.restart();
                g.vcpu.setRegs(g.vcpu.getRegs().rcx(pages));
                long t0 = System.nanoTime();
                VcpuExit exit = g.vcpu.run();
                long t1 = System.nanoTime();
                if (!(exit instanceof VcpuExit.PortOut)) {
                    throw new IllegalStateException("unexpected " + exit);
                }
                g.memory.resetToSnapshot();
                long t2 = System.nanoTime();
                if (i >= 10) {
                    run[i - 10] = t1 - t0;
                    reset[i - 10] = t2 - t1;
                }
            }
            row("guest at CPL " + cpl + " writes " + pages + " pages (copy-on-write faults included)", run, 0);
            row("snapshot reset after the guest dirtied " + pages + " pages", reset, 0);
        }
    }

    private static void row(String name, long[] samples, int warmup) {
        long[] s = Arrays.copyOfRange(samples, warmup, samples.length);
        Arrays.sort(s);
        System.out.printf("| %s | %s | %s | %d |%n", name, micros(s[s.length / 2]), micros(s[(int) (s.length * 0.9)]), s.length);
    }

    private static String micros(long nanos) {
        return String.format("%.1f µs", nanos / 1000.0);
    }
}
