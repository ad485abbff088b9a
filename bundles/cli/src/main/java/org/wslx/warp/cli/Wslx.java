package org.wslx.warp.cli;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.wslx.warp.paths.WarpPaths;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code wslx}: the thin client. It writes the request by hand, relays bytes and exits with the
 * service's code; everything else happens in the service. Kept to a handful of classes and free
 * of lambdas so a warm start stays short.
 */
public final class Wslx {
    // Anonymous classes rather than method references: the first lambda costs the client
    // measurable start-up time, and start-up is what this client is judged by.
    private static final UnaryOperator<String> SYSTEM_PROPERTY = new UnaryOperator<String>() {
        @Override
        public String apply(String key) {
            return System.getProperty(key);
        }
    };
    private static final UnaryOperator<String> ENVIRONMENT = new UnaryOperator<String>() {
        @Override
        public String apply(String key) {
            return System.getenv(key);
        }
    };

    private static final long SERVICE_START_TIMEOUT_MS = 60_000;

    private Wslx() {
    }

    public static void main(String[] args) {
        OutputStream stderr = new FileOutputStream(FileDescriptor.err);
        int code;
        try {
            code = run(args, stderr);
        } catch (IOException e) {
            message(stderr, "wslx: " + e.getMessage() + "\n");
            code = 1;
        }
        Runtime.getRuntime().halt(code);
    }

    static int run(String[] args, OutputStream stderr) throws IOException {
        WarpPaths paths = WarpPaths.resolve(SYSTEM_PROPERTY, ENVIRONMENT);
        Path runtimeDir = paths.runtime();
        Path socket = paths.serviceSocket();
        SocketChannel channel = connect(socket);
        if (channel == null) {
            channel = startService(runtimeDir, socket, stderr);
            if (channel == null) {
                return 1;
            }
        }
        boolean stdinIsTty = isTerminal(0);
        boolean stdoutIsTty = isTerminal(1);
        int[] size = stdoutIsTty ? Tty.size() : null;
        LinkClient client = new LinkClient(channel);
        client.sendRequest(requestJson(args, System.getProperty("user.dir"), System.getenv(), stdinIsTty, stdoutIsTty,
                size == null ? 0 : size[0], size == null ? 0 : size[1]));
        Signal.handle(new Signal("INT"), new Forward(client, 2));
        Tty tty = stdinIsTty ? new Tty() : null;
        if (stdoutIsTty) {
            Signal.handle(new Signal("WINCH"), new Forward(client, -1));
        }
        try {
            return client.relay(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out), stderr, tty);
        } finally {
            if (tty != null) {
                tty.restore();
            }
        }
    }

    /** A connected channel, or null when nothing answers on {@code socket}. */
    static SocketChannel connect(Path socket) {
        if (!Files.exists(socket)) {
            return null;
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (IOException e) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // nothing was connected
            }
            return null;
        }
    }

    private static SocketChannel startService(Path runtimeDir, Path socket, OutputStream stderr) throws IOException {
        String jar = System.getProperty("warp.service.jar");
        if (jar == null || jar.isEmpty()) {
            message(stderr, "wslx: the service is not running at " + socket
                    + " and cannot be started because warp.service.jar is not set\n");
            return null;
        }
        Files.createDirectories(runtimeDir);
        Path log = runtimeDir.resolve("service.log");
        List<String> command = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            command.add("/usr/bin/setsid"); // its own session: the terminal's hangup must not reach the service
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String options = System.getProperty("warp.service.jvm.options", "").trim();
        if (!options.isEmpty()) {
            for (String option : options.split("\\s+")) {
                command.add(option);
            }
        }
        command.add("-Dwarp.runtime.dir=" + runtimeDir);
        command.add("-jar");
        command.add(jar);
        Process service = new ProcessBuilder(command).redirectInput(new File("/dev/null"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectErrorStream(true).start();
        long deadline = System.currentTimeMillis() + SERVICE_START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            SocketChannel channel = connect(socket);
            if (channel != null) {
                return channel;
            }
            if (!service.isAlive() && !new File("/usr/bin/setsid").canExecute()) {
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        message(stderr, "wslx: the service did not come up at " + socket + "; last lines of " + log + ":\n" + tail(log, 20));
        return null;
    }

    private static String tail(Path log, int lines) throws IOException {
        if (!Files.exists(log)) {
            return "(no log)\n";
        }
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder();
        for (String line : all.subList(Math.max(0, all.size() - lines), all.size())) {
            text.append("  ").append(line).append('\n');
        }
        return text.toString();
    }

    /** The request object of LINK.md, written by hand so the client needs no JSON library. */
    public static String requestJson(String[] argv, String cwd, Map<String, String> env, boolean stdinIsTty, boolean stdoutIsTty,
            int rows, int cols) {
        StringBuilder json = new StringBuilder(256).append("{\"argv\":[");
        for (int i = 0; i < argv.length; i++) {
            quote(json.append(i == 0 ? "" : ","), argv[i]);
        }
        quote(json.append("],\"cwd\":"), cwd).append(",\"env\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : env.entrySet()) {
            quote(json.append(first ? "" : ","), e.getKey()).append(':');
            quote(json, e.getValue());
            first = false;
        }
        return json.append("},\"stdinIsTty\":").append(stdinIsTty).append(",\"stdoutIsTty\":").append(stdoutIsTty)
                .append(",\"rows\":").append(rows).append(",\"cols\":").append(cols).append('}').toString();
    }

    private static StringBuilder quote(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }

    /** Whether file descriptor {@code fd} is a terminal, read from /proc without native code. */
    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void message(OutputStream stderr, String text) {
        try {
            stderr.write(text.getBytes(StandardCharsets.UTF_8));
            stderr.flush();
        } catch (IOException ignored) {
            // nowhere left to report to
        }
    }

    /** Forwards a signal, or (for -1) a window size change, to the service. */
    private static final class Forward implements SignalHandler {
        private final LinkClient client;
        private final int signal;

        Forward(LinkClient client, int signal) {
            this.client = client;
            this.signal = signal;
        }

        @Override
        public void handle(Signal received) {
            try {
                if (signal < 0) {
                    int[] size = Tty.size();
                    if (size != null) {
                        client.resize(size[0], size[1]);
                    }
                } else {
                    client.signal(signal);
                }
            } catch (IOException ignored) {
                // the link is gone; the relay loop reports it
            }
        }
    }
}
