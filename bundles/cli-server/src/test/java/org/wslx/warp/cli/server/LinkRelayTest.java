package org.wslx.warp.cli.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.cli.LinkClient;
import org.wslx.warp.cli.Wslx;

@org.junit.jupiter.api.Timeout(120)
/** The real client against the real endpoint over a Unix socket, with a fake instance manager behind it. */
class LinkRelayTest {
    @TempDir
    Path runtimeDir;

    private final FakeInstances instances = new FakeInstances();
    private CliServer server;
    private Path socket;

    @BeforeEach
    void start() throws IOException {
        socket = runtimeDir.resolve("service.sock");
        Files.writeString(socket, "stale"); // a leftover file must not stop the endpoint
        server = new CliServer(socket, () -> instances, () -> null, () -> { });
        server.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        assertFalse(Files.exists(socket), "the socket file is removed at stop");
    }

    private record Outcome(int code, byte[] stdout, String stderr, LinkClient client) {
        String out() {
            return new String(stdout);
        }
    }

    private Outcome run(InputStream stdin, String... argv) throws Exception {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        LinkClient client = new LinkClient(channel);
        client.sendRequest(Wslx.requestJson(argv, "/home/user/work", Map.of("TERM", "xterm", "A\"B", "x\ny"), false, false, 0, 0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = client.relay(stdin, out, err, null);
        channel.close();
        return new Outcome(code, out.toByteArray(), err.toString(), client);
    }

    @org.junit.jupiter.api.RepeatedTest(3)
    void tenMebibytesEchoByteExactly() throws Exception {
        byte[] data = new byte[10 << 20];
        new Random(42).nextBytes(data);
        Outcome o = run(new ByteArrayInputStream(data), "--", "cat");
        assertEquals(0, o.code(), o.stderr());
        assertArrayEquals(data, o.stdout());
        assertEquals(List.of("cat"), instances.lastExec.argv());
    }

    @Test
    void stdoutAndStderrStaySeparateAndTheExitCodePropagates() throws Exception {
        Outcome o = run(InputStream.nullInputStream(), "-d", "debian", "--", "split");
        assertEquals(7, o.code());
        assertEquals("to stdout\n", o.out());
        assertEquals("to stderr\n", o.stderr());
    }

    @Test
    void notFoundReportsLikeAShell() throws Exception {
        Outcome o = run(InputStream.nullInputStream(), "-e", "nosuchprogram");
        assertEquals(127, o.code());
        assertEquals("wslx: nosuchprogram: not found\n", o.stderr());
    }

    @Test
    void signalIsForwardedAndTheCodeIs128PlusSignal() throws Exception {
        java.io.PipedOutputStream keepOpen = new java.io.PipedOutputStream();
        InputStream blockingStdin = new java.io.PipedInputStream(keepOpen);
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        LinkClient client = new LinkClient(channel);
        client.sendRequest(Wslx.requestJson(new String[] {"--", "sleep"}, "/", Map.of(), false, false, 0, 0));
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> {
            try {
                return client.relay(blockingStdin, new ByteArrayOutputStream(), new ByteArrayOutputStream(), null);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (instances.lastExec == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        client.signal(2);
        assertEquals(130, code.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(2), instances.signals);
        keepOpen.close();
        channel.close();
    }

    @Test
    void listIsRenderedServerSideAsTextOrJson() throws Exception {
        Outcome text = run(InputStream.nullInputStream(), "-l", "-v");
        assertEquals(0, text.code());
        assertTrue(text.out().contains("* debian"), text.out());
        assertTrue(text.out().contains("Running"), text.out());
        Outcome json = run(InputStream.nullInputStream(), "--list", "--json");
        assertTrue(json.out().contains("\"name\" : \"debian\""), json.out());
        assertTrue(json.out().contains("\"state\" : \"RUNNING\""), json.out());
    }

    @Test
    void managementVerbsReachTheManagerWithClientRelativePaths() throws Exception {
        assertEquals(0, run(InputStream.nullInputStream(), "--import", "deb2", "inst", "../rootfs.tar").code());
        assertEquals(0, run(InputStream.nullInputStream(), "--export", "debian", "/abs/out.tar").code());
        assertEquals(0, run(InputStream.nullInputStream(), "-t", "debian").code());
        assertEquals(0, run(InputStream.nullInputStream(), "--set-default", "debian").code());
        assertEquals(0, run(InputStream.nullInputStream(), "--unregister", "debian").code());
        assertEquals(0, run(InputStream.nullInputStream(), "--shutdown").code());
        assertEquals(List.of("import deb2 /home/user/work/inst /home/user/rootfs.tar", "export debian /abs/out.tar",
                "terminate debian", "default debian", "unregister debian", "shutdown"), instances.calls);
    }

    @Test
    void errorsGoToStderrWithExitCode1() throws Exception {
        Outcome missing = run(InputStream.nullInputStream(), "--terminate", "nope");
        assertEquals(1, missing.code());
        assertEquals("wslx: instance 'nope' is not registered\n", missing.stderr());
        Outcome usage = run(InputStream.nullInputStream(), "--bogus");
        assertEquals(1, usage.code());
        assertTrue(usage.stderr().startsWith("wslx: unknown option '--bogus'\nUsage: wslx"), usage.stderr());
        Outcome shell = run(InputStream.nullInputStream(), "shell");
        assertEquals(1, shell.code());
        assertEquals("wslx: the Gogo shell is not available in this service\n", shell.stderr());
    }

    @Test
    void theEndpointIsIdleOnlyWithoutClients() throws Exception {
        run(InputStream.nullInputStream(), "--list");
        assertFalse(server.idleFor(java.time.Duration.ofSeconds(60)));
        // the client may see EXIT a moment before the serving thread has finished
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!server.idleFor(java.time.Duration.ZERO) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(server.idleFor(java.time.Duration.ZERO));
    }
}
