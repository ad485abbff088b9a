package org.wslx.warp.sandbox.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wslx.warp.sandbox.CallLimits;
import org.wslx.warp.sandbox.PoolConfig;
import org.wslx.warp.sandbox.Sandbox;
import org.wslx.warp.sandbox.SandboxConfig;
import org.wslx.warp.sandbox.SandboxException;
import org.wslx.warp.sandbox.SandboxException.Kind;
import org.wslx.warp.sandbox.SandboxImage;
import org.wslx.warp.sandbox.SandboxPool;

/** Faults, time-outs and limits: each a clean error, the broken VM discarded, the host and the next call fine. */
class SandboxFailuresTest {
    private KvmSandboxService service;
    private SandboxImage image;

    @BeforeEach
    void start() throws Exception {
        SandboxTestSupport.assumeKvm();
        service = new KvmSandboxService();
        image = service.load(SandboxTestSupport.samples());
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aPageFaultIsReportedAndTheSandboxDiscarded() throws Exception {
        Sandbox sandbox = service.create(image, SandboxConfig.defaults());
        SandboxException e = assertThrows(SandboxException.class,
                () -> sandbox.call("fault", new byte[0], CallLimits.defaults()));
        assertEquals(Kind.FAULT, e.kind());
        assertEquals(14, e.vector());
        assertEquals(0xdead0000L, e.faultAddress());
        assertTrue(e.getMessage().startsWith("guest image 'samples.elf', function 'fault': page fault (vector 14) at "
                + "0xdead0000, a write of an unmapped address, by the instruction at 0x"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; the sandbox was discarded"), e.getMessage());
        assertFalse(sandbox.usable());
        assertEquals(0, service.liveSandboxes(), "the faulted VM is closed at once");
        SandboxException after = assertThrows(SandboxException.class,
                () -> sandbox.call("sum", new byte[0], CallLimits.defaults()));
        assertEquals(Kind.CLOSED, after.kind());
        assertTrue(after.getMessage().contains("was discarded: guest image 'samples.elf', function 'fault': page fault"),
                after.getMessage());

        try (Sandbox next = service.create(image, SandboxConfig.defaults())) {
            assertEquals(6, SandboxTestSupport.u64(next.call("sum", new byte[] { 1, 2, 3 }, CallLimits.defaults())
                    .output()));
        }
    }

    @Test
    void otherFaultsNameTheirVector() throws Exception {
        try (Sandbox sandbox = service.create(image, SandboxConfig.defaults())) {
            SandboxException invalid = assertThrows(SandboxException.class,
                    () -> sandbox.call("invalid", new byte[0], CallLimits.defaults()));
            assertEquals(6, invalid.vector());
            assertTrue(invalid.getMessage().contains("invalid opcode (vector 6)"), invalid.getMessage());
        }
        try (Sandbox sandbox = service.create(image, SandboxConfig.defaults())) {
            SandboxException readOnly = assertThrows(SandboxException.class,
                    () -> sandbox.call("scribble", new byte[] { 1 }, CallLimits.defaults()));
            assertEquals(14, readOnly.vector());
            assertTrue(readOnly.getMessage().contains("a write not permitted on a mapped page"), readOnly.getMessage());
        }
    }

    @Test
    void anEndlessLoopIsStoppedAtItsTimeLimit() throws Exception {
        Sandbox sandbox = service.create(image, SandboxConfig.defaults());
        long start = System.nanoTime();
        SandboxException e = assertThrows(SandboxException.class,
                () -> sandbox.call("loop", new byte[0], CallLimits.of(Duration.ofMillis(100))));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Kind.TIMEOUT, e.kind());
        assertEquals("guest image 'samples.elf', function 'loop': stopped at its time limit of 100 ms", e.getMessage());
        assertTrue(elapsedMillis >= 100 && elapsedMillis < 2000, "stopped after " + elapsedMillis + " ms");
        assertFalse(sandbox.usable());
        assertEquals(0, service.liveSandboxes());
    }

    @Test
    void aPoolReplacesDiscardedSandboxes() throws Exception {
        SandboxPool pool = service.pool(image, new PoolConfig(1, 2, SandboxConfig.defaults()));
        assertThrows(SandboxException.class, () -> pool.call("fault", new byte[0], CallLimits.defaults()));
        SandboxException timeout = assertThrows(SandboxException.class,
                () -> pool.call("loop", new byte[0], CallLimits.of(Duration.ofMillis(50))));
        assertEquals(Kind.TIMEOUT, timeout.kind());
        assertEquals(10, SandboxTestSupport.u64(pool.call("sum", new byte[] { 1, 2, 3, 4 }, CallLimits.defaults())
                .output()));
        assertEquals(2, pool.stats().discarded());
        assertEquals(2, pool.stats().failures());
        assertEquals(1, pool.stats().calls());
        assertEquals(1, pool.stats().idle());
    }

    @Test
    void limitsAndGuestErrorsKeepTheSandbox() throws Exception {
        try (Sandbox sandbox = service.create(image, new SandboxConfig(4L << 20, 8192, 4096, 16384))) {
            SandboxException big = assertThrows(SandboxException.class,
                    () -> sandbox.call("echo", new byte[100], new CallLimits(Duration.ofSeconds(1), 10)));
            assertEquals(Kind.OUTPUT_TOO_LARGE, big.kind());
            assertEquals("guest image 'samples.elf', function 'echo': needs more than the output limit of 10 bytes",
                    big.getMessage());
            SandboxException input = assertThrows(SandboxException.class,
                    () -> sandbox.call("echo", new byte[8193], CallLimits.defaults()));
            assertEquals(Kind.INPUT_TOO_LARGE, input.kind());
            SandboxException guest = assertThrows(SandboxException.class,
                    () -> sandbox.call("fail", new byte[] { 42 }, CallLimits.defaults()));
            assertEquals(Kind.GUEST_ERROR, guest.kind());
            assertEquals(-42, guest.guestCode());
            SandboxException unknown = assertThrows(SandboxException.class,
                    () -> sandbox.call("nope", new byte[0], CallLimits.defaults()));
            assertEquals(Kind.UNKNOWN_FUNCTION, unknown.kind());
            assertTrue(unknown.getMessage().startsWith("guest image 'samples.elf' has no function 'nope'; it has "),
                    unknown.getMessage());
            assertTrue(sandbox.usable());
            assertEquals(3, sandbox.call("echo", new byte[3], CallLimits.defaults()).output().length);
        }
    }
}
