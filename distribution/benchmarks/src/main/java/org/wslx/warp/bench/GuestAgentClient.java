package org.wslx.warp.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A client of qemu-guest-agent's JSON protocol over the host end of its virtio-serial port: one
 * command per line, one reply per line, synchronised with {@code guest-sync} first because the port
 * may hold bytes from before the agent started.
 */
final class GuestAgentClient implements AutoCloseable {
    private final ObjectMapper json = new ObjectMapper();
    private final SocketChannel channel;
    private final BufferedReader replies;
    private final OutputStream requests;
    private final Path socket;

    private GuestAgentClient(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
        this.replies = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.requests = Channels.newOutputStream(channel);
    }

    static GuestAgentClient connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new IOException("qemu-guest-agent socket '" + socket + "': cannot connect: " + e.getMessage(), e);
        }
        return new GuestAgentClient(socket, channel);
    }

    /** Sends guest-sync with {@code id} and skips every reply until the one that echoes it. */
    void sync(long id) throws IOException {
        ObjectNode command = json.createObjectNode().put("execute", "guest-sync");
        command.putObject("arguments").put("id", id);
        send(command);
        for (JsonNode reply = readReply(); ; reply = readReply()) {
            if (reply.path("return").asLong(-1) == id) {
                return;
            }
        }
    }

    /** guest-exec of {@code path} without arguments or captured output; returns the guest pid. */
    long exec(String path) throws IOException {
        ObjectNode command = json.createObjectNode().put("execute", "guest-exec");
        command.putObject("arguments").put("path", path).put("capture-output", false);
        return call(command).path("pid").asLong();
    }

    /** One guest-exec-status; the exit code once the process has exited, else null. */
    Integer status(long pid) throws IOException {
        ObjectNode command = json.createObjectNode().put("execute", "guest-exec-status");
        command.putObject("arguments").put("pid", pid);
        JsonNode result = call(command);
        return result.path("exited").asBoolean() ? result.path("exitcode").asInt(-1) : null;
    }

    private JsonNode call(ObjectNode command) throws IOException {
        send(command);
        JsonNode reply = readReply();
        if (reply.has("error")) {
            throw new IOException("qemu-guest-agent socket '" + socket + "': " + command.path("execute").asText() + " failed: "
                    + reply.path("error").path("desc").asText(reply.toString()));
        }
        if (!reply.has("return")) {
            throw new IOException("qemu-guest-agent socket '" + socket + "': unexpected reply " + reply);
        }
        return reply.path("return");
    }

    private void send(ObjectNode command) throws IOException {
        requests.write(json.writeValueAsBytes(command));
        requests.write('\n');
        requests.flush();
    }

    private JsonNode readReply() throws IOException {
        String line = replies.readLine();
        if (line == null) {
            throw new IOException("qemu-guest-agent socket '" + socket + "': closed while a reply was awaited");
        }
        // A reply to guest-sync-delimited or a stale partial line may start with 0xFF; skip to the JSON.
        int start = line.indexOf('{');
        return start < 0 ? json.createObjectNode() : json.readTree(line.substring(start));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
