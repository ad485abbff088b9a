package org.wslx.warp.sandbox.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wslx.warp.sandbox.CallLimits;
import org.wslx.warp.sandbox.PoolConfig;
import org.wslx.warp.sandbox.PoolStats;
import org.wslx.warp.sandbox.Sandbox;
import org.wslx.warp.sandbox.SandboxConfig;
import org.wslx.warp.sandbox.SandboxImage;
import org.wslx.warp.sandbox.SandboxPool;

/** Many calls through a warm pool, and many sandboxes alive at once, with nothing leaked afterwards. */
class SandboxScaleTest {
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
    void aThousandCallsThroughAWarmPool() throws Exception {
        SandboxPool pool = service.pool(image, new PoolConfig(2, 2, SandboxConfig.defaults()));
        Random random = new Random(3);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 1000; i++) {
            byte[] input = new byte[random.nextInt(3000)];
            random.nextBytes(input);
            if (i % 2 == 0) {
                assertEquals(SandboxTestSupport.sumOf(input),
                        SandboxTestSupport.u64(pool.call("sum", input, CallLimits.defaults()).output()), "call " + i);
            } else {
                assertEquals(HexFormat.of().formatHex(sha.digest(input)),
                        HexFormat.of().formatHex(pool.call("sha256", input, CallLimits.defaults()).output()), "call " + i);
            }
        }
        PoolStats stats = pool.stats();
        assertEquals(1000, stats.calls());
        assertEquals(0, stats.failures());
        assertEquals(2, stats.created(), "warm calls reuse the pool's sandboxes instead of creating VMs");
    }

    @Test
    void fiftySandboxesAliveAtOnceThenAllClosed() throws Exception {
        // Warm the JVM's own descriptors (JNA, class loading) before taking the baseline.
        service.create(image, SandboxConfig.defaults()).close();
        long baseline = SandboxTestSupport.openFileDescriptors();
        List<Sandbox> sandboxes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sandboxes.add(service.create(image, SandboxConfig.defaults()));
        }
        assertEquals(50, service.liveSandboxes());
        for (int i = 0; i < sandboxes.size(); i++) {
            byte[] input = new byte[i + 1];
            Arrays.fill(input, (byte) i);
            assertEquals((long) (i + 1) * i, SandboxTestSupport.u64(sandboxes.get(i).call("sum", input,
                    CallLimits.defaults()).output()), "sandbox " + i);
        }
        for (Sandbox sandbox : sandboxes) {
            sandbox.close();
        }
        assertEquals(0, service.liveSandboxes());
        assertEquals(baseline, SandboxTestSupport.openFileDescriptors(), "file descriptors back to the baseline");
    }

    @Test
    void stoppingTheServiceClosesEveryPoolAndSandbox() throws Exception {
        service.create(image, SandboxConfig.defaults()).close();
        long baseline = SandboxTestSupport.openFileDescriptors();
        SandboxPool pool = service.pool(image, new PoolConfig(3, 4, SandboxConfig.defaults()));
        service.create(image, SandboxConfig.defaults());
        assertEquals(4, service.liveSandboxes());
        assertEquals(3, pool.stats().idle());
        service.close();
        assertEquals(0, service.liveSandboxes());
        assertEquals(0, service.pools().size());
        // The KVM device itself was opened before the baseline and is closed too.
        assertEquals(baseline - 1, SandboxTestSupport.openFileDescriptors());
    }
}
