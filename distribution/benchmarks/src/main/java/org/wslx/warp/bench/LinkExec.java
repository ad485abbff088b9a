package org.wslx.warp.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.wslx.warp.cli.LinkClient;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Sends one {@code wslx} request over the service socket from inside this JVM, the way the client
 * does it (one connection per request, no terminal, stdin at end of file), so a timing holds the
 * service's work and none of a JVM start.
 */
public final class LinkExec {
    public record Result(int exitCode, String stdout, String stderr) {
        public Result requireSuccess(List<String> argv) {
            if (exitCode != 0) {
                throw new IllegalStateException("wslx " + String.join(" ", argv) + ": exited with " + exitCode
                        + "; stderr: " + stderr.strip() + "; stdout: " + stdout.strip());
            }
            return this;
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final Path serviceSocket;

    LinkExec(Path runtimeDirectory) {
        this.serviceSocket = runtimeDirectory.resolve("service.sock");
    }

    public Result run(List<String> argv) throws IOException {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(serviceSocket));
            LinkClient client = new LinkClient(channel);
            client.sendRequest(requestJson(argv));
            int code = client.relay(InputStream.nullInputStream(), stdout, stderr, null);
            return new Result(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        }
    }

    /** The link's request object: what wslx sends with stdin and stdout not on a terminal. */
    String requestJson(List<String> argv) throws IOException {
        ObjectNode request = json.createObjectNode();
        argv.forEach(request.putArray("argv")::add);
        request.put("cwd", "/").putObject("env");
        request.put("stdinIsTty", false).put("stdoutIsTty", false).put("rows", 0).put("cols", 0);
        return json.writeValueAsString(request);
    }

    /** Runs {@code argv} and fails with the service's own words unless it exits with 0. */
    public Result runOk(List<String> argv) throws IOException {
        return run(argv).requireSuccess(argv);
    }
}
