package org.wslx.warp.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Runs the client against a scripted QMP server (a test double) on a real Unix socket. */
class QmpClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, "
            + "\"package\": \"Debian\"}, \"capabilities\": [\"oob\"]}}";

    @TempDir
    Path dir;

    /** Serves one connection: greets, then answers each command line by line through {@code answer}. */
    private Thread fakeServer(Path socket, java.util.function.BiConsumer<JsonNode, OutputStream> answer) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            try (server; SocketChannel client = server.accept()) {
                OutputStream out = Channels.newOutputStream(client);
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
                out.write((GREETING + "\r\n").getBytes(StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    answer.accept(JSON.readTree(line), out);
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // Either side hung up; the test is over.
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void reply(OutputStream out, String json) {
        try {
            out.write((json + "\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void negotiatesMatchesAnswersByIdAndDeliversEvents() throws Exception {
        Path socket = dir.resolve("qmp.sock");
        List<String> commands = new CopyOnWriteArrayList<>();
        fakeServer(socket, (command, out) -> {
            String name = command.get("execute").asText();
            commands.add(name);
            if (name.equals("qmp_capabilities")) {
                reply(out, "{\"return\": {}}");
            } else if (name.equals("query-status")) {
                String id = command.get("id").asText();
                // An event and an unrelated answer arrive first; the client must route each correctly.
                reply(out, "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"STOP\"}");
                reply(out, "{\"return\": {}, \"id\": \"someone-else\"}");
                reply(out, "{\"return\": {\"status\": \"paused\", \"running\": false}, \"id\": \"" + id + "\"}");
            } else if (name.equals("cont")) {
                reply(out, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"guest is broken\"}, \"id\": \""
                        + command.get("id").asText() + "\"}");
            }
        });
        List<QmpClient.Event> events = new CopyOnWriteArrayList<>();
        try (QmpClient client = QmpClient.connect(socket, events::add)) {
            assertEquals("QEMU 7.2.22", client.qemuVersion());
            JsonNode status = client.execute("query-status", Duration.ofSeconds(5));
            assertEquals("paused", status.get("status").asText());
            assertEquals(1, events.size());
            assertEquals("STOP", events.get(0).name());
            QmpException e = assertThrows(QmpException.class, () -> client.execute("cont", Duration.ofSeconds(5)));
            assertEquals("QMP command 'cont' failed: GenericError: guest is broken", e.getMessage());
        }
        assertEquals(List.of("qmp_capabilities", "query-status", "cont"), commands);
    }

    @Test
    void aCommandWithoutAnAnswerTimesOutNamingIt() throws Exception {
        Path socket = dir.resolve("silent.sock");
        fakeServer(socket, (command, out) -> {
            if (command.get("execute").asText().equals("qmp_capabilities")) {
                reply(out, "{\"return\": {}}");
            }
        });
        try (QmpClient client = QmpClient.connect(socket, e -> { })) {
            QmpException e = assertThrows(QmpException.class, () -> client.execute("query-kvm", Duration.ofMillis(200)));
            assertEquals("QMP command 'query-kvm' got no answer within 200 ms", e.getMessage());
        }
    }

    @Test
    void aClosedConnectionFailsPendingCommands() throws Exception {
        Path socket = dir.resolve("closing.sock");
        fakeServer(socket, (command, out) -> {
            if (command.get("execute").asText().equals("qmp_capabilities")) {
                reply(out, "{\"return\": {}}");
            } else {
                throw new java.io.UncheckedIOException(new IOException("server hangs up"));
            }
        });
        try (QmpClient client = QmpClient.connect(socket, e -> { })) {
            QmpException e = assertThrows(QmpException.class, () -> client.execute("quit", Duration.ofSeconds(5)));
            assertTrue(e.getMessage().startsWith("QMP command 'quit'"), e.getMessage());
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
    }
}
