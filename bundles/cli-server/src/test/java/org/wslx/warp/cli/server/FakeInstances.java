package org.wslx.warp.cli.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.wslx.warp.control.ExecRequest;
import org.wslx.warp.control.ExitStatus;
import org.wslx.warp.control.GuestProcess;
import org.wslx.warp.control.TerminalSize;
import org.wslx.warp.image.ImageManifest;
import org.wslx.warp.instance.InstanceException;
import org.wslx.warp.instance.InstanceInfo;
import org.wslx.warp.instance.InstanceManager;
import org.wslx.warp.instance.InstanceSettings;
import org.wslx.warp.instance.InstanceState;

/**
 * An instance manager holding one instance, "debian", whose processes run in the JVM: {@code cat}
 * echoes stdin, {@code split} writes to both outputs and exits 7, {@code sleep} waits for a signal.
 */
final class FakeInstances implements InstanceManager {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<Integer> signals = new CopyOnWriteArrayList<>();
    volatile ExecRequest lastExec;

    private InstanceInfo describe(String name) {
        return new InstanceInfo(name, InstanceState.RUNNING, "", true, InstanceSettings.DEFAULTS, "tcg", Path.of("/inst"),
                Path.of("/inst/root.img"), new ImageManifest("linux", "Debian", "12", "root", null), Instant.EPOCH,
                Instant.EPOCH, 0);
    }

    private void known(String name) throws InstanceException {
        if (!name.equals("debian")) {
            throw new InstanceException("instance '" + name + "' is not registered");
        }
    }

    @Override
    public List<InstanceInfo> list() {
        return List.of(describe("debian"));
    }

    @Override
    public InstanceInfo info(String name) throws InstanceException {
        known(name);
        return describe(name);
    }

    @Override
    public InstanceInfo importInstance(String name, Path dir, Path source) {
        calls.add("import " + name + " " + dir + " " + source);
        return describe(name);
    }

    @Override
    public void exportInstance(String name, Path target) throws InstanceException {
        known(name);
        calls.add("export " + name + " " + target);
    }

    @Override
    public void unregister(String name) throws InstanceException {
        known(name);
        calls.add("unregister " + name);
    }

    @Override
    public void setDefault(String name) throws InstanceException {
        known(name);
        calls.add("default " + name);
    }

    @Override
    public Optional<String> defaultInstance() {
        return Optional.of("debian");
    }

    @Override
    public InstanceInfo configure(String name, InstanceSettings settings) {
        return describe(name);
    }

    @Override
    public InstanceInfo start(String name) {
        return describe(name);
    }

    @Override
    public void terminate(String name) throws InstanceException {
        known(name);
        calls.add("terminate " + name);
    }

    @Override
    public void shutdownAll() {
        calls.add("shutdown");
    }

    @Override
    public GuestProcess exec(String name, ExecRequest request) throws InstanceException {
        known(name);
        lastExec = request;
        try {
            return new FakeProcess(request.argv());
        } catch (IOException e) {
            throw new InstanceException("instance '" + name + "': test pipes failed", e);
        }
    }

    private final class FakeProcess implements GuestProcess {
        private final PipedOutputStream stdin = new PipedOutputStream();
        private final PipedInputStream stdout = new PipedInputStream(65536);
        private final PipedInputStream stderr = new PipedInputStream(65536);
        private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        private final Thread worker;

        FakeProcess(List<String> argv) throws IOException {
            PipedInputStream input = new PipedInputStream(stdin, 65536);
            PipedOutputStream out = new PipedOutputStream(stdout);
            PipedOutputStream err = new PipedOutputStream(stderr);
            List<String> args = new ArrayList<>(argv);
            worker = new Thread(() -> run(args, input, out, err), "fake-" + argv.get(0));
            worker.start();
        }

        private void run(List<String> argv, InputStream in, OutputStream out, OutputStream err) {
            ExitStatus status = new ExitStatus(ExitStatus.Kind.EXITED, 0, "");
            try {
                switch (argv.get(0)) {
                    case "cat" -> in.transferTo(out);
                    case "split" -> {
                        out.write("to stdout\n".getBytes());
                        err.write("to stderr\n".getBytes());
                        status = new ExitStatus(ExitStatus.Kind.EXITED, 7, "");
                    }
                    case "sleep" -> {
                        try {
                            Thread.sleep(30_000);
                        } catch (InterruptedException e) {
                            status = new ExitStatus(ExitStatus.Kind.SIGNALED, signals.get(0), "");
                        }
                    }
                    default -> status = new ExitStatus(ExitStatus.Kind.NOT_STARTED, 127, argv.get(0) + ": not found");
                }
                out.close();
                err.close();
            } catch (IOException e) {
                status = new ExitStatus(ExitStatus.Kind.LOST, 0, e.toString());
            }
            exit.complete(status);
        }

        @Override
        public int streamId() {
            return 1;
        }

        @Override
        public OutputStream stdin() {
            return stdin;
        }

        @Override
        public InputStream stdout() {
            return stdout;
        }

        @Override
        public InputStream stderr() {
            return stderr;
        }

        @Override
        public void signal(int signal) {
            signals.add(signal);
            worker.interrupt();
        }

        @Override
        public void resize(TerminalSize size) {
        }

        @Override
        public CompletionStage<ExitStatus> exit() {
            return exit;
        }
    }
}
