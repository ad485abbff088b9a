package org.wslx.warp.sandbox.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wslx.warp.sandbox.CallLimits;
import org.wslx.warp.sandbox.PoolConfig;
import org.wslx.warp.sandbox.Sandbox;
import org.wslx.warp.sandbox.SandboxConfig;
import org.wslx.warp.sandbox.SandboxException;
import org.wslx.warp.sandbox.SandboxImage;
import org.wslx.warp.sandbox.SandboxPool;

/**
 * What a call leaves in the segment registers, the FS/GS bases and RFLAGS does not reach the next call through the
 * same warm sandbox. segment_secret loads DS, ES, FS and GS with other selectors a CPL 3 function may load, writes
 * the FS and GS bases where the host lets it (wrfsbase: kvm_pvm, where CPL 3 code runs with the host's CR4) and
 * returns with RFLAGS.DF and AC set; segment_state reports what a call starts with.
 */
class SandboxSegmentStateTest {
    private static final int BASES = 1;
    private static final int FLAGS = 2;
    private static final int INVALID_OPCODE = 6;
    private static final int GENERAL_PROTECTION = 13;
    private static final long FS_SECRET = 0x0000_5ec2_e700_1000L;
    private static final long GS_SECRET = 0x0000_7fff_dead_b000L;
    private static final long DF_AND_AC = 1L << 10 | 1L << 18;

    private static KvmSandboxService service;
    private static SandboxImage image;
    private static boolean basesWritable;

    @BeforeAll
    static void start() throws Exception {
        SandboxTestSupport.assumeKvm();
        service = new KvmSandboxService();
        image = service.load(SandboxTestSupport.samples());
        basesWritable = probeFsGsBase();
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    /** Whether rdfsbase works at CPL 3 in a sandbox: #UD where CR4.FSGSBASE is off (hardware KVM). */
    private static boolean probeFsGsBase() throws Exception {
        try (Sandbox sandbox = service.create(image, SandboxConfig.defaults())) {
            sandbox.call("segment_state", new byte[] { BASES }, CallLimits.defaults());
            System.out.println("FS/GS bases: rdfsbase/wrfsbase work at CPL 3 on this host; the test writes them");
            return true;
        } catch (SandboxException e) {
            assertEquals(SandboxException.Kind.FAULT, e.kind(), e.getMessage());
            assertEquals(INVALID_OPCODE, e.vector(), e.getMessage());
            System.out.println("FS/GS bases: rdfsbase raises #UD at CPL 3 on this host (CR4.FSGSBASE off);"
                    + " the test changes selectors and flags only");
            return false;
        }
    }

    @Test
    void theNextCallSeesTheCleanSegmentsAndFlags() throws Exception {
        int how = basesWritable ? BASES : 0;
        try (Sandbox sandbox = service.create(image, SandboxConfig.defaults())) {
            State fresh = state(sandbox, how);
            System.out.println("a new sandbox starts with " + fresh);

            State left = new State(sandbox.call("segment_secret", secret(how | FLAGS, 0x20, 0x1b, 0, 0x22),
                    CallLimits.defaults()).output());
            System.out.println("segment_secret left " + left);
            assertEquals(DF_AND_AC, left.rflags & DF_AND_AC, "DF and AC set on return");
            if (basesWritable) {
                assertEquals(FS_SECRET, left.fsBase, "FS base written");
                assertEquals(GS_SECRET, left.gsBase, "GS base written");
            } else {
                // Where the CPU loads selectors itself (hardware KVM), DS holds 0x20 instead of 0x23.
                assertNotEquals(fresh.ds, left.ds, "DS was changed");
            }

            State next = state(sandbox, how);
            System.out.println("the next call starts with " + next);
            assertEquals(fresh, next, "the call after segment_secret");
        }
    }

    @Test
    void pooledCallsNeverSeeEachOthersSegments() throws Exception {
        int how = basesWritable ? BASES : 0;
        int[][] selectors = { { 0, 0, 0, 0 }, { 0x21, 0x22, 0x1b, 3 }, { 0x1b, 0x20, 0x23, 0x19 }, { 1, 2, 0x20, 0 } };
        try (SandboxPool pool = service.pool(image, new PoolConfig(1, 1, SandboxConfig.defaults()))) {
            State clean = new State(pool.call("segment_state", new byte[] { (byte) how }, CallLimits.defaults())
                    .output());
            for (int i = 0; i < 20; i++) {
                int[] s = selectors[i % selectors.length];
                pool.call("segment_secret", secret(how | FLAGS, s[0], s[1], s[2], s[3]), CallLimits.defaults());
                State next = new State(pool.call("segment_state", new byte[] { (byte) how }, CallLimits.defaults())
                        .output());
                assertEquals(clean, next, "pooled call " + i);
            }
            assertEquals(1, pool.stats().created(), "all calls went through one warm sandbox");
        }
    }

    @Test
    void stateTheResetDoesNotCoverCannotBeWrittenAtCpl3() throws Exception {
        String[] targets = { "TSC_AUX (wrmsr)", "DR7", "KERNEL_GS_BASE (wrmsr)", "swapgs", "CR8" };
        for (int i = 0; i < targets.length; i++) {
            try (Sandbox sandbox = service.create(image, SandboxConfig.defaults())) {
                int which = i;
                SandboxException e = assertThrows(SandboxException.class, () -> sandbox.call("privileged_write",
                        new byte[] { (byte) which }, CallLimits.defaults()), targets[i] + " written at CPL 3");
                assertEquals(SandboxException.Kind.FAULT, e.kind(), e.getMessage());
                assertEquals(GENERAL_PROTECTION, e.vector(), e.getMessage());
                assertFalse(sandbox.usable(), "a sandbox that faulted is discarded");
            }
        }
    }

    private static State state(Sandbox sandbox, int how) throws SandboxException {
        return new State(sandbox.call("segment_state", new byte[] { (byte) how }, CallLimits.defaults()).output());
    }

    private static byte[] secret(int how, int ds, int es, int fs, int gs) {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) how).put(1, (byte) ds).put(2, (byte) es).put(3, (byte) fs).put(4, (byte) gs);
        b.putLong(8, FS_SECRET).putLong(16, GS_SECRET);
        return b.array();
    }

    /** The layout segment_state.c writes. */
    private record State(int cs, int ss, int ds, int es, int fs, int gs, long rflags, long fsBase, long gsBase) {
        State(byte[] raw) {
            this(ByteBuffer.wrap(checkSize(raw)).order(ByteOrder.LITTLE_ENDIAN));
        }

        private State(ByteBuffer b) {
            this(b.getShort(0) & 0xffff, b.getShort(2) & 0xffff, b.getShort(4) & 0xffff, b.getShort(6) & 0xffff,
                    b.getShort(8) & 0xffff, b.getShort(10) & 0xffff, b.getLong(16), b.getLong(24), b.getLong(32));
        }

        private static byte[] checkSize(byte[] raw) {
            assertEquals(40, raw.length);
            return raw;
        }

        @Override
        public String toString() {
            return String.format("CS %#x SS %#x DS %#x ES %#x FS %#x GS %#x, RFLAGS %#x (DF %d, AC %d), FS base %#x,"
                    + " GS base %#x", cs, ss, ds, es, fs, gs, rflags, rflags >> 10 & 1, rflags >> 18 & 1, fsBase,
                    gsBase);
        }
    }
}
