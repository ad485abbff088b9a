package org.wslx.warp.sandbox.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wslx.warp.sandbox.CallLimits;
import org.wslx.warp.sandbox.PoolConfig;
import org.wslx.warp.sandbox.Sandbox;
import org.wslx.warp.sandbox.SandboxConfig;
import org.wslx.warp.sandbox.SandboxImage;
import org.wslx.warp.sandbox.SandboxPool;

/**
 * What a call leaves in the FPU and vector registers does not reach the next call through the same warm sandbox.
 * vector_secret fills every vector register the guest may use (XMM always; YMM and ZMM/k where this host lets
 * guests use them) and changes MXCSR and the x87 control word and stack; vector_state dumps what a call starts with.
 */
class SandboxCpuStateTest {
    private static final byte[] SECRET = { 0x5e, (byte) 0xc2, (byte) 0xe7, 0x11, 0x22, 0x33, 0x44, 0x55 };
    private static final int SSE = 1;
    private static final int AVX = 2;
    private static final int AVX512 = 4;

    private static KvmSandboxService service;
    private static SandboxImage image;

    @BeforeAll
    static void start() throws Exception {
        SandboxTestSupport.assumeKvm();
        service = new KvmSandboxService();
        image = service.load(SandboxTestSupport.samples());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void theNextCallSeesCleanVectorRegisters() throws Exception {
        try (Sandbox sandbox = service.create(image, SandboxConfig.defaults())) {
            Dump fresh = new Dump(sandbox.call("vector_state", new byte[0], CallLimits.defaults()).output());
            fresh.assertClean("a new sandbox");

            Dump left = new Dump(sandbox.call("vector_secret", SECRET, CallLimits.defaults()).output());
            System.out.println("vector state covered on this host: " + left.describe());
            left.assertHoldsSecret();

            Dump next = new Dump(sandbox.call("vector_state", new byte[0], CallLimits.defaults()).output());
            assertEquals(left.components, next.components);
            next.assertClean("the call after vector_secret");
        }
    }

    @Test
    void pooledCallsNeverSeeEachOthersVectorState() throws Exception {
        try (SandboxPool pool = service.pool(image, new PoolConfig(1, 1, SandboxConfig.defaults()))) {
            for (int i = 0; i < 20; i++) {
                byte[] secret = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x1234_5678_0000L + i)
                        .array();
                new Dump(pool.call("vector_secret", secret, CallLimits.defaults()).output()).assertHolds(secret);
                new Dump(pool.call("vector_state", new byte[0], CallLimits.defaults()).output())
                        .assertClean("pooled call " + i);
            }
            assertEquals(1, pool.stats().created(), "all calls went through one warm sandbox");
        }
    }

    /** The layout cpu_state.c writes. */
    private static final class Dump {
        final int components;
        final int mxcsr;
        final int fcw;
        final int ftw;
        final byte[] xmm;
        final byte[] ymmHigh;
        final byte[] zmmHigh;
        final byte[] zmm16to31;
        final byte[] masks;

        Dump(byte[] raw) {
            assertEquals(2128, raw.length);
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            components = b.getInt(0);
            mxcsr = b.getInt(4);
            fcw = b.getShort(8) & 0xffff;
            ftw = b.getShort(12) & 0xffff;
            xmm = Arrays.copyOfRange(raw, 16, 272);
            ymmHigh = Arrays.copyOfRange(raw, 272, 528);
            zmmHigh = Arrays.copyOfRange(raw, 528, 1040);
            zmm16to31 = Arrays.copyOfRange(raw, 1040, 2064);
            masks = Arrays.copyOfRange(raw, 2064, 2128);
        }

        void assertClean(String when) {
            assertEquals(0x1f80, mxcsr, when + ": MXCSR");
            assertEquals(0x37f, fcw, when + ": x87 control word");
            assertEquals(0xffff, ftw, when + ": x87 stack empty");
            assertArrayEquals(new byte[xmm.length], xmm, when + ": XMM0-15");
            assertArrayEquals(new byte[ymmHigh.length], ymmHigh, when + ": YMM0-15 upper halves");
            assertArrayEquals(new byte[zmmHigh.length], zmmHigh, when + ": ZMM0-15 upper halves");
            assertArrayEquals(new byte[zmm16to31.length], zmm16to31, when + ": ZMM16-31");
            assertArrayEquals(new byte[masks.length], masks, when + ": k0-7");
        }

        void assertHoldsSecret() {
            assertHolds(SECRET);
        }

        void assertHolds(byte[] secret) {
            assertTrue((components & SSE) != 0);
            assertEquals(0x7f80, mxcsr);
            assertEquals(0x0e7f, fcw);
            assertTrue(ftw != 0xffff, "x87 stack holds a value");
            assertRepeats(secret, xmm, "XMM0-15");
            if ((components & AVX) != 0) {
                assertRepeats(secret, ymmHigh, "YMM0-15 upper halves");
            }
            if ((components & AVX512) != 0) {
                assertRepeats(secret, zmmHigh, "ZMM0-15 upper halves");
                assertRepeats(secret, zmm16to31, "ZMM16-31");
                // k0 is hard-wired to all ones as a mask but reads back as written; k1-7 hold the secret.
                assertRepeats(secret, Arrays.copyOfRange(masks, 8, 64), "k1-7");
            }
        }

        private static void assertRepeats(byte[] secret, byte[] area, String what) {
            for (int i = 0; i < area.length; i++) {
                assertEquals(secret[i % 8], area[i], what + " byte " + i);
            }
        }

        String describe() {
            return "x87, MXCSR, XMM0-15" + ((components & AVX) != 0 ? ", YMM upper halves" : "")
                    + ((components & AVX512) != 0 ? ", ZMM0-31, k0-7" : "");
        }
    }
}
