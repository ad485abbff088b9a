package org.wslx.warp.shell;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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

/** An in-memory instance registry that records what the commands asked of it. */
final class FakeInstanceManager implements InstanceManager {
    final Map<String, InstanceInfo> instances = new TreeMap<>();
    final List<String> calls = new ArrayList<>();
    ExecRequest lastExec;
    FakeProcess nextProcess = new FakeProcess("", "", new ExitStatus(ExitStatus.Kind.EXITED, 0, ""));

    static InstanceInfo instance(String name, InstanceState state, Path rootDisk) {
        return new InstanceInfo(name, state, "", false, InstanceSettings.DEFAULTS, "", rootDisk.getParent(), rootDisk,
                new ImageManifest("linux", "Debian GNU/Linux 12 (bookworm)", "12", "root", Map.of()),
                Instant.parse("2026-11-20T08:00:00Z"), null, 0);
    }

    void add(InstanceInfo info) {
        instances.put(info.name(), info);
    }

    @Override
    public List<InstanceInfo> list() {
        return List.copyOf(instances.values());
    }

    @Override
    public InstanceInfo info(String name) throws InstanceException {
        InstanceInfo info = instances.get(name);
        if (info == null) {
            throw new InstanceException("instance '" + name + "' is not registered");
        }
        return info;
    }

    @Override
    public InstanceInfo importInstance(String name, Path installDirectory, Path source) {
        calls.add("import " + name + " " + installDirectory + " " + source);
        InstanceInfo info = instance(name, InstanceState.REGISTERED, installDirectory.resolve("root.img"));
        add(info);
        return info;
    }

    @Override
    public void exportInstance(String name, Path target) throws InstanceException {
        info(name);
        calls.add("export " + name + " " + target);
    }

    @Override
    public void unregister(String name) throws InstanceException {
        info(name);
        instances.remove(name);
        calls.add("unregister " + name);
    }

    @Override
    public void setDefault(String name) throws InstanceException {
        InstanceInfo i = info(name);
        instances.replaceAll((k, v) -> withDefault(v, k.equals(name)));
        calls.add("setdefault " + i.name());
    }

    private static InstanceInfo withDefault(InstanceInfo i, boolean isDefault) {
        return new InstanceInfo(i.name(), i.state(), i.reason(), isDefault, i.settings(), i.accelerator(),
                i.installDirectory(), i.rootDisk(), i.manifest(), i.registeredAt(), i.lastUsed(), i.activeProcesses());
    }

    @Override
    public Optional<String> defaultInstance() {
        return instances.values().stream().filter(InstanceInfo::isDefault).map(InstanceInfo::name).findFirst();
    }

    @Override
    public InstanceInfo configure(String name, InstanceSettings settings) throws InstanceException {
        InstanceInfo i = info(name);
        InstanceInfo changed = new InstanceInfo(i.name(), i.state(), i.reason(), i.isDefault(), settings,
                i.accelerator(), i.installDirectory(), i.rootDisk(), i.manifest(), i.registeredAt(), i.lastUsed(),
                i.activeProcesses());
        add(changed);
        return changed;
    }

    @Override
    public InstanceInfo start(String name) throws InstanceException {
        return setState(name, InstanceState.RUNNING);
    }

    @Override
    public void terminate(String name) throws InstanceException {
        setState(name, InstanceState.STOPPED);
    }

    private InstanceInfo setState(String name, InstanceState state) throws InstanceException {
        InstanceInfo i = info(name);
        InstanceInfo changed = new InstanceInfo(i.name(), state, i.reason(), i.isDefault(), i.settings(),
                state == InstanceState.RUNNING ? "tcg" : "", i.installDirectory(), i.rootDisk(), i.manifest(),
                i.registeredAt(), i.lastUsed(), i.activeProcesses());
        add(changed);
        calls.add(state + " " + name);
        return changed;
    }

    @Override
    public void shutdownAll() {
        calls.add("shutdown");
    }

    @Override
    public GuestProcess exec(String name, ExecRequest request) throws InstanceException {
        info(name);
        lastExec = request;
        return nextProcess;
    }

    /** A finished process whose output is already known. */
    static final class FakeProcess implements GuestProcess {
        final ByteArrayOutputStream stdin = new ByteArrayOutputStream() {
            @Override
            public void close() {
                stdinClosed = true;
            }
        };
        volatile boolean stdinClosed;
        private final byte[] stdout;
        private final byte[] stderr;
        private final ExitStatus status;

        FakeProcess(String stdout, String stderr, ExitStatus status) {
            this(stdout.getBytes(StandardCharsets.UTF_8), stderr.getBytes(StandardCharsets.UTF_8), status);
        }

        FakeProcess(byte[] stdout, byte[] stderr, ExitStatus status) {
            this.stdout = stdout;
            this.stderr = stderr;
            this.status = status;
        }

        @Override
        public int streamId() {
            return 3;
        }

        @Override
        public OutputStream stdin() {
            return stdin;
        }

        @Override
        public InputStream stdout() {
            return new ByteArrayInputStream(stdout);
        }

        @Override
        public InputStream stderr() {
            return new ByteArrayInputStream(stderr);
        }

        @Override
        public void signal(int signal) {
            throw new UnsupportedOperationException("the fake process has already ended");
        }

        @Override
        public void resize(TerminalSize size) {
            throw new UnsupportedOperationException("the fake process has no terminal");
        }

        @Override
        public CompletionStage<ExitStatus> exit() {
            return CompletableFuture.completedFuture(status);
        }
    }
}
