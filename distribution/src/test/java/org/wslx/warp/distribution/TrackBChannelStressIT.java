package org.wslx.warp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/**
 * The Track B control channel on QEMU loses nothing when the host falls behind. A {@code cat} of
 * 8 MiB runs while the service that reads the machine's control socket is stopped (SIGSTOP) again
 * and again, as a busy host deschedules it, and stdout is consumed in small, slow reads. A device
 * that writes the guest's buffers to the socket without waiting (QEMU's virtconsole) drops what
 * the full socket does not take, and the stream falls apart; one that holds the guest back until
 * the socket drains (a virtserialport) passes every byte through.
 */
@TestInstance(Lifecycle.PER_CLASS)
class TrackBChannelStressIT {
    private static final int PAYLOAD = 8 * 1024 * 1024;
    /** Long enough for the guest to use all the window it has behind a stopped reader. */
    private static final long PAUSE_MS = 300;
    /** Short enough that the transfer, about a second unhindered, sees several stops. */
    private static final long RUN_BETWEEN_PAUSES_MS = 100;
    private static final long REST_MS = 5;

    private WarpCli wslx;

    @BeforeAll
    void importTheSamplesOnQemu() throws Exception {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            found |= !dir.isEmpty() && Files.isExecutable(Path.of(dir, "qemu-system-x86_64"));
        }
        if (!found) {
            System.out.println("TrackBChannelStressIT skipped: qemu-system-x86_64 is not on PATH");
        }
        assumeTrue(found, "qemu-system-x86_64 is not on PATH");
        // cat of 8 MiB under emulation needs far more CPU time than the samples' default limit
        wslx = new WarpCli("tb-stress", "-Dwarp.trackb.cpuLimitMs=600000");
        Path image = TrackBImages.pack(TrackBImages.samplesDirectory(), wslx.stateDirectory().resolve("samples.warpb"));
        WarpCli.Result imported = wslx.run("--import", "tb", wslx.stateDirectory().resolve("tb").toString(), image.toString());
        assertEquals(0, imported.exitCode(), imported.toString());
        WarpCli.Result moved = wslx.run("--manage", "tb", "--set-backend", "qemu");
        assertEquals(0, moved.exitCode(), moved.toString());
        WarpCli.Result hello = wslx.run("-d", "tb", "--", "hello");
        assertEquals(0, hello.exitCode(), "the instance boots before the stress starts: " + hello);
    }

    @AfterAll
    void stopTheService() {
        if (wslx != null) {
            wslx.closeAndDeleteState();
        }
    }

    @Test
    void catOfEightMebibytesSurvivesAStoppedHostReader() throws Exception {
        byte[] payload = new byte[PAYLOAD];
        new Random(8).nextBytes(payload);
        List<ProcessHandle> services = wslx.services();
        assertEquals(1, services.size(), "one service serves the test: " + services);
        ProcessHandle service = services.get(0);

        long start = System.nanoTime();
        Process cat = wslx.start("-d", "tb", "--", "cat");
        CompletableFuture<byte[]> err = WarpCli.drain(cat.getErrorStream());
        CompletableFuture<Void> in = CompletableFuture.runAsync(() -> {
            try (OutputStream stdin = cat.getOutputStream()) {
                for (int at = 0; at < payload.length; at += 65536) {
                    stdin.write(payload, at, Math.min(65536, payload.length - at));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("writing cat's stdin", e);
            }
        });
        CompletableFuture<Digest> out = CompletableFuture.supplyAsync(() -> slowlyDigest(cat.getInputStream()));

        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger pauses = new AtomicInteger();
        out.whenComplete((r, e) -> done.set(true));
        try {
            while (!done.get() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(280)) {
                Thread.sleep(RUN_BETWEEN_PAUSES_MS);
                if (done.get()) {
                    break;
                }
                signal(service, "STOP");
                pauses.incrementAndGet();
                Thread.sleep(PAUSE_MS);
                signal(service, "CONT");
            }
        } finally {
            signal(service, "CONT");
        }

        WarpCli.Result r = WarpCli.finish(cat, CompletableFuture.completedFuture(new byte[0]), err);
        Digest digest = out.join();
        in.join();
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("TrackBChannelStressIT: %d of %d bytes back from cat in %d ms, with %d stops of the host reader"
                + " of %d ms each%n", digest.bytes(), PAYLOAD, millis, pauses.get(), PAUSE_MS);
        assertTrue(pauses.get() >= 2, "the reader was stopped only " + pauses.get() + " times, too few to mean anything");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(PAYLOAD, digest.bytes(), "stdout is not as long as stdin: the channel lost bytes");
        assertEquals(HexFormat.of().formatHex(TrackBImages.sha256(payload)), HexFormat.of().formatHex(digest.sha256()),
                "stdout differs from stdin: the channel damaged or reordered bytes");
        assertFalse(wslx.run("-d", "tb", "--", "hello").stdout().isEmpty(), "the instance keeps working");
    }

    /** Reads in 4 KiB pieces, resting after every 256 KiB, and returns the SHA-256 of everything read. */
    private static Digest slowlyDigest(InputStream stdout) {
        try (stdout) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[4096];
            long total = 0;
            for (int n; (n = stdout.read(buf)) >= 0;) {
                sha.update(buf, 0, n);
                if ((total + n) / (256 * 1024) != total / (256 * 1024)) {
                    Thread.sleep(REST_MS);
                }
                total += n;
            }
            return new Digest(total, sha.digest());
        } catch (Exception e) {
            throw new IllegalStateException("reading cat's stdout", e);
        }
    }

    private record Digest(long bytes, byte[] sha256) {
    }

    /** Sends SIGSTOP or SIGCONT to the service, as the kernel's scheduler would stop and resume it. */
    private static void signal(ProcessHandle process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + process.pid());
    }
}
