package org.wslx.warp.control.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wslx.warp.control.ControlException;
import org.wslx.warp.control.ExecRequest;
import org.wslx.warp.control.ExitStatus;
import org.wslx.warp.control.GuestConfig;
import org.wslx.warp.control.GuestProcess;
import org.wslx.warp.control.GuestSession;
import org.wslx.warp.control.ProtocolException;
import org.wslx.warp.control.SessionParameters;
import org.wslx.warp.control.wire.ControlFrames;
import org.wslx.warp.control.wire.Frame;
import org.wslx.warp.control.wire.InboundChannel;
import org.wslx.warp.control.wire.PayloadReader;

class HostSessionTest {
    private static final byte[] SECRET = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    private final PipeStream pipe;
    private final FakeGuest guest;
    private GuestSession session;

    HostSessionTest() throws IOException {
        pipe = new PipeStream();
        guest = new FakeGuest(pipe);
    }

    @AfterEach
    void closeSession() throws IOException {
        if (session != null) {
            session.close();
        }
        pipe.closeBothEnds();
    }

    private SessionParameters parameters(Duration timeout) {
        return new SessionParameters("debian", SECRET, new GuestConfig("debian", Map.of("LANG", "C.UTF-8"), List.of()), timeout);
    }

    private GuestSession openServed() throws ControlException {
        guest.handshakeAndServe(SECRET);
        session = new HostControlPlane().open(pipe, parameters(Duration.ofSeconds(10)));
        return session;
    }

    private static ExitStatus exitOf(GuestProcess p) throws Exception {
        return p.exit().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void anInterruptedCallerDoesNotCloseTheControlChannel() throws Exception {
        // The test pipe is an NIO channel: interrupting a thread inside its write closes it for good.
        GuestSession s = openServed();
        GuestProcess p = s.exec(ExecRequest.of("echo"));
        Thread.currentThread().interrupt();
        p.stdin().write("still here".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        p.stdin().close();
        assertTrue(Thread.interrupted(), "the caller's interrupt is kept for it");
        assertEquals("still here", new String(p.stdout().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, exitOf(p).shellCode());
        assertTrue(s.isOpen());
    }

    @Test
    void handshakeNegotiatesVersionAndCapabilities() throws Exception {
        GuestSession s = openServed();
        assertTrue(s.isOpen());
        assertEquals("fake-agent/1", s.guest().agent());
        assertEquals("1.0", s.guest().version().toString());
        assertEquals(5, s.guest().capabilities().size());
        assertTrue(s.ping().toNanos() > 0);
    }

    @Test
    void floodingGuestIsHeldToTheWindowThenDrainsExactly() throws Exception {
        long total = 4L << 20;
        GuestProcess p = openServed().exec(ExecRequest.of("flood", Long.toString(total)));
        InboundChannel stdout = (InboundChannel) p.stdout();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (guest.floodSent < ControlFrames.INITIAL_WINDOW && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(300); // give a misbehaving implementation time to buffer more
        assertEquals(ControlFrames.INITIAL_WINDOW, guest.floodSent, "the guest must stall at the window");
        assertTrue(stdout.buffered() <= ControlFrames.INITIAL_WINDOW);
        CRC32 got = new CRC32();
        long read = 0;
        byte[] buffer = new byte[10000];
        for (int n; (n = stdout.read(buffer)) > 0; read += n) {
            got.update(buffer, 0, n);
        }
        CRC32 expected = new CRC32();
        for (long i = 0; i < total; i++) {
            expected.update((byte) (i * 7));
        }
        assertEquals(total, read);
        assertEquals(expected.getValue(), got.getValue());
        assertTrue(stdout.highWater() <= ControlFrames.INITIAL_WINDOW, "high water " + stdout.highWater());
        assertEquals(ExitStatus.Kind.EXITED, exitOf(p).kind());
    }

    @Test
    void concurrentProcessesKeepTheirStreamsApart() throws Exception {
        GuestSession s = openServed();
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] data = new byte[(1 << 20) + i * 977];
            new Random(i).nextBytes(data);
            GuestProcess p = s.exec(ExecRequest.of("echo"));
            runs.add(CompletableFuture.runAsync(() -> {
                try (OutputStream in = p.stdin()) {
                    in.write(data);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
            runs.add(CompletableFuture.runAsync(() -> {
                try {
                    assertArrayEquals(data, p.stdout().readAllBytes());
                    assertEquals(0, exitOf(p).shellCode());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertEquals(0, s.activeProcesses());
        assertEquals(List.of(), guest.errors);
    }

    @Test
    void stdoutAndStderrAreSeparateAndExitCodeArrives() throws Exception {
        GuestProcess p = openServed().exec(ExecRequest.of("split"));
        assertEquals("out", new String(p.stdout().readAllBytes()));
        assertEquals("err", new String(p.stderr().readAllBytes()));
        assertEquals(3, exitOf(p).shellCode());
    }

    @Test
    void signalReachesTheProcess() throws Exception {
        GuestProcess p = openServed().exec(ExecRequest.of("sleep"));
        p.signal(15);
        ExitStatus status = exitOf(p);
        assertEquals(ExitStatus.Kind.SIGNALED, status.kind());
        assertEquals(143, status.shellCode());
        assertEquals(List.of(15), guest.signals);
    }

    @Test
    void shutdownIsAcknowledgedAndClosesTheSession() throws Exception {
        GuestSession s = openServed();
        s.shutdown(Duration.ofSeconds(5));
        assertEquals("instance 'debian': control plane: the guest acknowledged SHUTDOWN",
                s.closed().toCompletableFuture().get(5, TimeUnit.SECONDS));
        assertFalse(s.isOpen());
    }

    @Test
    void garbageClosesTheSessionAndLosesRunningProcesses() throws Exception {
        GuestProcess p = openServed().exec(ExecRequest.of("sleep"));
        guest.sendRaw(HexFormat.of().parseHex("ffe0f505120001000100000000"));
        assertEquals("instance 'debian': control plane: frame length 99999999 exceeds 65536",
                session.closed().toCompletableFuture().get(5, TimeUnit.SECONDS));
        ExitStatus status = exitOf(p);
        assertEquals(ExitStatus.Kind.LOST, status.kind());
        assertEquals(255, status.shellCode());
        assertThrows(IOException.class, () -> p.stdout().read());
        assertThrows(ControlException.class, () -> session.exec(ExecRequest.of("true")));
    }

    @Test
    void dataBeyondTheWindowIsAProtocolError() throws Exception {
        GuestProcess p = openServed().exec(ExecRequest.of("sleep"));
        byte[] chunk = new byte[65536];
        for (int i = 0; i < 5; i++) {
            guest.send(new Frame(ControlFrames.DATA, 1, 0, p.streamId(), chunk));
        }
        assertEquals("instance 'debian': control plane: DATA of 65536 bytes on stdout of stream 1 exceeds the 0 bytes"
                + " of window granted", session.closed().toCompletableFuture().get(5, TimeUnit.SECONDS));
    }

    @Test
    void dataForAStreamThatDoesNotExistIsAProtocolError() throws Exception {
        openServed();
        guest.send(new Frame(ControlFrames.DATA, 1, 0, 42, new byte[] {1}));
        assertEquals("instance 'debian': control plane: DATA for stream 42, which does not exist",
                session.closed().toCompletableFuture().get(5, TimeUnit.SECONDS));
    }

    private Frame rejectedWith(byte[] secret, int major, Duration timeout, String expectedMessage) throws Exception {
        CompletableFuture<Frame> answer = CompletableFuture.supplyAsync(() -> {
            try {
                guest.hello(major, secret);
                return guest.receive();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        ControlException e = assertThrows(ControlException.class, () -> new HostControlPlane().open(pipe, parameters(timeout)));
        assertEquals(expectedMessage, e.getMessage());
        return answer.get(5, TimeUnit.SECONDS);
    }

    @Test
    void wrongSecretIsRejectedWithErrorCode2() throws Exception {
        byte[] wrong = SECRET.clone();
        wrong[31] ^= 1;
        Frame error = rejectedWith(wrong, 1, Duration.ofSeconds(5),
                "instance 'debian': control plane: the guest's boot secret is wrong");
        PayloadReader p = error.reader(ControlFrames.GUEST);
        assertEquals(ControlFrames.ERROR, error.type());
        assertEquals(2, p.u16("code"));
    }

    @Test
    void wrongMajorVersionIsRejectedWithErrorCode3() throws Exception {
        Frame error = rejectedWith(SECRET, 2, Duration.ofSeconds(5),
                "instance 'debian': control plane: the guest speaks protocol 2.3 but this host speaks 1.x");
        assertEquals(3, error.reader(ControlFrames.GUEST).u16("code"));
    }

    @Test
    void silentGuestTimesOut() {
        ControlException e = assertThrows(ControlException.class,
                () -> new HostControlPlane().open(pipe, parameters(Duration.ofMillis(200))));
        assertEquals("instance 'debian': control plane: no HELLO from the guest within 200 ms", e.getMessage());
    }

    @Test
    void aFrameOtherThanHelloFailsTheHandshakeAsAProtocolError() throws Exception {
        guest.send(Frame.session(ControlFrames.READY, null));
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> new HostControlPlane().open(pipe, parameters(Duration.ofSeconds(5))));
        assertEquals("instance 'debian': control plane: expected HELLO but the guest sent READY", e.getMessage());
        Frame error = guest.receive();
        assertEquals(1, error.reader(ControlFrames.GUEST).u16("code"));
    }

    @Test
    void configCarriesHostnameAndEnvironment() throws Exception {
        CompletableFuture<Frame> config = CompletableFuture.supplyAsync(() -> {
            try {
                guest.hello(1, SECRET);
                guest.receive();
                Frame c = guest.receive();
                guest.send(Frame.session(ControlFrames.READY, null));
                return c;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        session = new HostControlPlane().open(pipe, parameters(Duration.ofSeconds(5)));
        PayloadReader p = config.get(5, TimeUnit.SECONDS).reader(ControlFrames.GUEST);
        assertEquals("debian", p.str("hostname"));
        assertEquals(List.of("LANG=C.UTF-8"), p.strList("env"));
        assertEquals(0, p.u32("mounts"));
    }

    static byte[] drain(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
