package org.wslx.warp.bench.trackb;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.wslx.warp.cli.LinkClient;

/**
 * A private WARP service for the Track B benchmark: started by {@code distribution/wslx} with its
 * own data and runtime directories, then driven over its socket from this JVM (one connection per
 * request, as the client does), so timings hold the service's work and no JVM start.
 */
final class TrackBService implements AutoCloseable {
    record Result(int exitCode, String stdout, String stderr) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final Path wslx;
    private final Path data;
    private final Path runtime;
    private final String options;

    TrackBService(Path wslx, Path state, String options) {
        this.wslx = wslx;
        this.data = state.resolve("data");
        this.runtime = state.resolve("run");
        this.options = options;
    }

    /** Runs {@code wslx ARGS} as a process (this starts the service when none runs). */
    Result wslx(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(wslx.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Map<String, String> env = builder.environment();
        env.put("WARP_DATA_DIR", data.toString());
        env.put("WARP_RUNTIME_DIR", runtime.toString());
        env.put("WARP_SERVICE_OPTS", options);
        Process p = builder.start();
        byte[] err = p.getErrorStream().readAllBytes();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wslx " + String.join(" ", args) + " did not finish within 300 s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** Sends one request over the service socket from this JVM. */
    Result link(String... argv) throws IOException {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(runtime.resolve("service.sock")));
            LinkClient client = new LinkClient(channel);
            ObjectNode request = json.createObjectNode();
            for (String arg : argv) {
                request.withArray("argv").add(arg);
            }
            request.put("cwd", "/").putObject("env");
            request.put("stdinIsTty", false).put("stdoutIsTty", false).put("rows", 0).put("cols", 0);
            client.sendRequest(json.writeValueAsString(request));
            int code = client.relay(InputStream.nullInputStream(), stdout, stderr, null);
            return new Result(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        }
    }

    Result linkOk(String... argv) throws IOException {
        Result r = link(argv);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("wslx " + String.join(" ", argv) + ": exit " + r.exitCode() + ": "
                    + r.stderr().strip() + " (service log: " + runtime.resolve("service.log") + ")");
        }
        return r;
    }

    /** Stops every instance, then the service JVM (which outlives --shutdown on purpose). */
    @Override
    public void close() throws IOException, InterruptedException {
        wslx("--shutdown");
        serviceProcesses().forEach(ProcessHandle::destroy);
    }

    /** The service's JVM (started by the launcher with this runtime directory). */
    ProcessHandle serviceProcess() {
        return serviceProcesses().findFirst()
                .orElseThrow(() -> new IllegalStateException("no WARP service runs with runtime directory " + runtime));
    }

    private java.util.stream.Stream<ProcessHandle> serviceProcesses() {
        String marker = "-Dwarp.runtime.dir=" + runtime;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker) && c.contains("warp.jar")).orElse(false));
    }
}
