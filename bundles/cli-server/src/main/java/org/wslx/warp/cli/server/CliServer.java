package org.wslx.warp.cli.server;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.apache.felix.service.command.CommandProcessor;
import org.wslx.warp.instance.InstanceManager;

/**
 * Listens on the service socket and serves each wslx client on its own thread. Plain Java so it
 * can be tested without a framework; {@link CliEndpoint} runs it as a component.
 */
final class CliServer implements Closeable {
    private static final LinkConnection.Controls IGNORE = new LinkConnection.Controls() {
        @Override
        public void signal(int signal) {
            // nothing is running yet that a signal could reach
        }

        @Override
        public void resize(int rows, int columns) {
            // no terminal yet
        }

        @Override
        public void disconnected() {
            // the serving thread notices on its next write
        }
    };

    private final Path socket;
    private final Supplier<InstanceManager> instances;
    private final Supplier<CommandProcessor> gogo;
    private final Runnable awaitStarted;
    private final AtomicInteger activeClients = new AtomicInteger();
    private volatile long lastActivity = System.nanoTime();
    private ServerSocketChannel server;

    /** {@code awaitStarted} returns once the service is ready to serve (or has given up waiting). */
    CliServer(Path socket, Supplier<InstanceManager> instances, Supplier<CommandProcessor> gogo, Runnable awaitStarted) {
        this.socket = socket;
        this.instances = instances;
        this.gogo = gogo;
        this.awaitStarted = awaitStarted;
    }

    /** Removes a stale socket file, binds a fresh one and starts accepting. */
    void start() throws IOException {
        Path dir = socket.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread acceptor = new Thread(this::acceptLoop, "wslx-endpoint " + socket);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                activeClients.incrementAndGet();
                lastActivity = System.nanoTime();
                Thread t = new Thread(() -> serve(client), "wslx-client");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed by close(); anything else also ends listening
            }
        }
    }

    private void serve(SocketChannel client) {
        try (LinkConnection link = new LinkConnection(client)) {
            int code;
            try {
                ClientRequest request = link.readRequest();
                link.startReading(IGNORE);
                code = serve(link, request);
            } catch (IOException e) {
                return; // the client broke the link; there is nobody left to answer
            }
            link.exit(code);
        } catch (IOException e) {
            // the client went away while its answer was being sent
        } finally {
            lastActivity = System.nanoTime();
            activeClients.decrementAndGet();
        }
    }

    private int serve(LinkConnection link, ClientRequest request) throws IOException {
        try {
            Invocation call = CommandLineParser.parse(request.argv());
            awaitStarted.run();
            InstanceManager manager = instances.get();
            if (manager == null) {
                link.printError("wslx: the service's instance manager is not available");
                return 1;
            }
            return new ClientSession(manager, gogo, link, request).serve(call);
        } catch (UsageException e) {
            link.printError("wslx: " + e.getMessage() + "\n" + CommandLineParser.USAGE.stripTrailing());
            return 1;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            link.printError("wslx: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        }
    }

    /** Whether no client is connected and none has been for {@code period}. */
    boolean idleFor(Duration period) {
        return activeClients.get() == 0 && System.nanoTime() - lastActivity >= period.toNanos();
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
        Files.deleteIfExists(socket);
    }
}
