package org.wslx.warp.backend.qemu;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A client for the QEMU Machine Protocol over a Unix socket: reads the greeting, leaves capability
 * negotiation mode, then runs commands matched to their answers by id while a reader thread hands
 * asynchronous events (SHUTDOWN, STOP, ...) to a listener.
 */
final class QmpClient implements Closeable {
    /** An asynchronous QMP event, e.g. {@code SHUTDOWN} with {@code {"guest":false,"reason":"host-qmp-quit"}}. */
    record Event(String name, JsonNode data) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final UnixSocketStream socket;
    private final MappingIterator<JsonNode> messages;
    private final OutputStream out;
    private final String qemuVersion;
    private final Consumer<Event> events;
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private volatile boolean closed;

    private QmpClient(UnixSocketStream socket, Consumer<Event> events) throws IOException {
        this.socket = socket;
        this.events = events;
        this.out = socket.output();
        this.messages = JSON.readerFor(JsonNode.class).readValues(socket.input());
        JsonNode greeting = nextMessage("the greeting");
        JsonNode version = greeting.path("QMP").path("version").path("qemu");
        if (!greeting.has("QMP")) {
            throw new QmpException("QMP socket " + socket.describe() + " did not greet with a QMP banner but sent " + greeting);
        }
        qemuVersion = "QEMU " + version.path("major").asInt() + "." + version.path("minor").asInt() + "."
                + version.path("micro").asInt();
        // Until qmp_capabilities, QEMU accepts nothing else and sends no events, so this answer is next.
        send(command("qmp_capabilities", null, null));
        JsonNode answer = nextMessage("the answer to qmp_capabilities");
        if (answer.has("error")) {
            throw failure("qmp_capabilities", answer.get("error"));
        }
    }

    /** Connects to a QMP socket and completes the handshake; events go to {@code events} on the reader thread. */
    static QmpClient connect(Path socketPath, Consumer<Event> events) throws IOException {
        UnixSocketStream socket = UnixSocketStream.connect(socketPath, "QMP via " + socketPath);
        try {
            QmpClient client = new QmpClient(socket, events);
            Thread reader = new Thread(client::readLoop, "qmp-reader " + socketPath);
            reader.setDaemon(true);
            reader.start();
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The QEMU version from the greeting, e.g. {@code QEMU 7.2.22}. */
    String qemuVersion() {
        return qemuVersion;
    }

    /**
     * Runs a command and returns its {@code return} value.
     *
     * @throws QmpException naming the command and QEMU's error class and description, or the timeout
     */
    JsonNode execute(String name, ObjectNode arguments, Duration timeout) throws QmpException {
        String id = "warp-" + nextId.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            if (closed) {
                throw new QmpException("QMP command '" + name + "' cannot be sent: the connection to QEMU is closed");
            }
            send(command(name, arguments, id));
            JsonNode reply = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (reply.has("error")) {
                throw failure(name, reply.get("error"));
            }
            return reply.path("return");
        } catch (IOException e) {
            throw e instanceof QmpException q ? q : new QmpException("QMP command '" + name + "' could not be sent: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new QmpException("QMP command '" + name + "' got no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new QmpException("QMP command '" + name + "' failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QmpException("QMP command '" + name + "' was interrupted while waiting for its answer");
        } finally {
            pending.remove(id);
        }
    }

    JsonNode execute(String name, Duration timeout) throws QmpException {
        return execute(name, null, timeout);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
    }

    private void readLoop() {
        String cause = "QEMU closed the QMP connection";
        try {
            while (messages.hasNextValue()) {
                dispatch(messages.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            cause = closed ? "the QMP connection was closed" : "the QMP connection failed: " + e.getMessage();
        } finally {
            closed = true;
            QmpException gone = new QmpException(cause);
            pending.values().forEach(f -> f.completeExceptionally(gone));
        }
    }

    private void dispatch(JsonNode message) {
        if (message.has("event")) {
            events.accept(new Event(message.get("event").asText(), message.path("data")));
            return;
        }
        CompletableFuture<JsonNode> waiting = pending.get(message.path("id").asText());
        if (waiting != null) {
            waiting.complete(message);
        }
    }

    private JsonNode nextMessage(String what) throws IOException {
        if (!messages.hasNextValue()) {
            throw new QmpException("QMP socket " + socket.describe() + " closed before " + what);
        }
        return messages.nextValue();
    }

    private static ObjectNode command(String name, ObjectNode arguments, String id) {
        ObjectNode command = JSON.createObjectNode().put("execute", name);
        if (arguments != null) {
            command.set("arguments", arguments);
        }
        if (id != null) {
            command.put("id", id);
        }
        return command;
    }

    private synchronized void send(ObjectNode command) throws IOException {
        out.write((JSON.writeValueAsString(command) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static QmpException failure(String name, JsonNode error) {
        return new QmpException("QMP command '" + name + "' failed: " + error.path("class").asText("unknown error class")
                + ": " + error.path("desc").asText("no description"));
    }

    static ObjectNode arguments() {
        return JSON.createObjectNode();
    }
}
