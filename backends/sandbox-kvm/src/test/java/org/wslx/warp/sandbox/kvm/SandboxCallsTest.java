package org.wslx.warp.sandbox.kvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wslx.warp.sandbox.CallLimits;
import org.wslx.warp.sandbox.CallResult;
import org.wslx.warp.sandbox.Sandbox;
import org.wslx.warp.sandbox.SandboxConfig;
import org.wslx.warp.sandbox.SandboxImage;

/** Sample functions computing checkable results in a real sandbox VM on /dev/kvm. */
class SandboxCallsTest {
    private static KvmSandboxService service;
    private static SandboxImage image;
    private static Sandbox sandbox;

    @BeforeAll
    static void start() throws Exception {
        SandboxTestSupport.assumeKvm();
        service = new KvmSandboxService();
        image = service.load(SandboxTestSupport.samples());
        sandbox = service.create(image, SandboxConfig.defaults());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void sumAddsTheInputBytes() throws Exception {
        Random random = new Random(1);
        for (int size : new int[] { 0, 1, 100, 4096, 70_000 }) {
            byte[] input = new byte[size];
            random.nextBytes(input);
            CallResult result = sandbox.call("sum", input, CallLimits.defaults());
            assertEquals(8, result.output().length);
            assertEquals(SandboxTestSupport.sumOf(input), SandboxTestSupport.u64(result.output()), "size " + size);
        }
    }

    @Test
    void sha256MatchesJavasDigestForSeveralSizes() throws Exception {
        Random random = new Random(2);
        // 0, around the 55/56/64-byte padding boundaries, one page, more than a page, many pages.
        for (int size : new int[] { 0, 1, 3, 55, 56, 63, 64, 65, 4095, 4096, 4097, 10_000, 300_000, 1 << 20 }) {
            byte[] input = new byte[size];
            random.nextBytes(input);
            byte[] expected = MessageDigest.getInstance("SHA-256").digest(input);
            byte[] actual = sandbox.call("sha256", input, CallLimits.defaults()).output();
            assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual), "size " + size);
        }
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", HexFormat.of()
                .formatHex(sandbox.call("sha256", "abc".getBytes(), CallLimits.defaults()).output()));
    }

    @Test
    void echoAndReverseReturnTheirInput() throws Exception {
        byte[] input = "hello, sandbox".getBytes();
        assertArrayEquals(input, sandbox.call("echo", input, CallLimits.defaults()).output());
        assertEquals("xobdnas ,olleh", new String(sandbox.call("reverse", input, CallLimits.defaults()).output()));
    }

    @Test
    void everyCallStartsFromTheSnapshot() throws Exception {
        // 'calls' increments a global; it reads 1 only if memory is reset between calls.
        for (int i = 0; i < 20; i++) {
            assertEquals(1, SandboxTestSupport.u64(sandbox.call("calls", new byte[0], CallLimits.defaults()).output()),
                    "call " + i);
        }
        // Output left by a longer earlier call must not show through a shorter one.
        sandbox.call("echo", new byte[5000], CallLimits.defaults());
        assertEquals(3, sandbox.call("echo", new byte[] { 7, 8, 9 }, CallLimits.defaults()).output().length);
        assertTrue(sandbox.usable());
    }
}
