package org.wslx.warp.backend.qemu;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.wslx.warp.backend.BackendException;
import org.wslx.warp.backend.MachineExit;
import org.wslx.warp.backend.MachineSpec;
import org.wslx.warp.backend.VirtualMachine;
import org.wslx.warp.control.ByteStream;

/**
 * One running qemu-system-x86_64 process. It is started paused; {@link #start} connects QMP and the
 * control port and only then lets the guest run, so nothing the guest writes to the port is lost.
 */
final class QemuMachine implements VirtualMachine {
    private static final Duration QMP_TIMEOUT = Duration.ofSeconds(10);
    private static final int TAIL_LINES = 20;

    private final MachineSpec spec;
    private final String accelerator;
    private final RuntimeFiles files;
    private final Process process;
    private final CompletableFuture<MachineExit> exit = new CompletableFuture<>();
    private volatile QmpClient qmp;
    private volatile UnixSocketStream control;
    private volatile boolean controlHandedOut;
    private volatile boolean stopRequested;
    private volatile String shutdownReason;

    private QemuMachine(MachineSpec spec, String accelerator, RuntimeFiles files, Process process) {
        this.spec = spec;
        this.accelerator = accelerator;
        this.files = files;
        this.process = process;
    }

    /** Starts QEMU with {@code argv}, connects QMP and the control port, and resumes the guest. */
    static QemuMachine start(MachineSpec spec, String accelerator, RuntimeFiles files, List<String> argv) throws BackendException {
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(files.qemuOutput().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
        } catch (IOException e) {
            throw new BackendException("instance '" + spec.instanceName() + "': cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
        QemuMachine machine = new QemuMachine(spec, accelerator, files, process);
        try {
            machine.connectAndResume();
        } catch (BackendException | RuntimeException e) {
            machine.stop(Duration.ZERO);
            throw e;
        }
        process.onExit().thenRun(machine::processEnded);
        return machine;
    }

    private void connectAndResume() throws BackendException {
        long deadline = System.nanoTime() + QMP_TIMEOUT.toNanos();
        while (qmp == null) {
            if (!process.isAlive()) {
                throw new BackendException("instance '" + spec.instanceName() + "': QEMU exited with status "
                        + process.exitValue() + " while starting: " + qemuOutputTail());
            }
            if (Files.exists(files.qmpSocket())) {
                try {
                    qmp = QmpClient.connect(files.qmpSocket(), this::onEvent);
                    break;
                } catch (IOException e) {
                    // QEMU creates the socket file a moment before it listens; try again until the deadline.
                }
            }
            if (System.nanoTime() > deadline) {
                throw new BackendException("instance '" + spec.instanceName() + "': QEMU did not open its QMP socket "
                        + files.qmpSocket() + " within " + QMP_TIMEOUT.toSeconds() + " s: " + qemuOutputTail());
            }
            sleep(20);
        }
        try {
            // Every chardev exists before QEMU starts serving QMP, so the control socket is listening now.
            control = UnixSocketStream.connect(files.controlSocket(), "virtio-serial port " + QemuCommandLine.CONTROL_PORT_NAME
                    + " via " + files.controlSocket());
        } catch (IOException e) {
            throw new BackendException("instance '" + spec.instanceName() + "': cannot connect to the control socket "
                    + files.controlSocket() + ": " + e.getMessage(), e);
        }
        try {
            qmp.execute("cont", QMP_TIMEOUT);
        } catch (QmpException e) {
            throw new BackendException("instance '" + spec.instanceName() + "': cannot resume the guest: " + e.getMessage(), e);
        }
    }

    private void onEvent(QmpClient.Event event) {
        if (event.name().equals("SHUTDOWN")) {
            shutdownReason = event.data().path("reason").asText("");
        }
    }

    private void processEnded() {
        // QEMU sends SHUTDOWN just before it exits; give the reader thread a moment to deliver it.
        for (int i = 0; i < 10 && shutdownReason == null && !stopRequested; i++) {
            sleep(10);
        }
        closeQuietly();
        deleteSockets();
        int status = process.exitValue();
        String reason = shutdownReason;
        if (stopRequested) {
            exit.complete(new MachineExit(true, "instance '" + spec.instanceName() + "': stopped by the host."));
        } else if ("guest-shutdown".equals(reason)) {
            exit.complete(new MachineExit(true, "instance '" + spec.instanceName() + "': the guest powered itself off."));
        } else if (reason == null && poweredOffThroughPort(status)) {
            exit.complete(new MachineExit(true, "instance '" + spec.instanceName()
                    + "': the guest powered itself off through port 0xf4 (QEMU status " + status + ")."));
        } else {
            String why = reason == null || reason.isEmpty() ? "QEMU exited with status " + status
                    : reason.equals("guest-reset") ? "the guest reset itself (a kernel panic does this; -no-reboot ends the machine)"
                    : "QEMU exited with status " + status + " after a shutdown for '" + reason + "'";
            exit.complete(new MachineExit(false, "instance '" + spec.instanceName() + "': " + why
                    + ". QEMU said: " + qemuOutputTail() + "\nLast console lines:\n" + consoleTail(TAIL_LINES)));
        }
    }

    /**
     * isa-debug-exit ends QEMU at once with status (value << 1) | 1 and no SHUTDOWN event. QEMU's own
     * fatal errors also exit with 1, but they say why on stderr, so a silent odd status is the guest;
     * statuses from 128 up are left out because they are also how a process killed by a signal ends.
     */
    private boolean poweredOffThroughPort(int status) {
        return QemuCommandLine.isDirectBoot(spec) && status % 2 == 1 && status < 128
                && Tails.lastLines(files.qemuOutput(), 10).isBlank();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public String instanceName() {
        return spec.instanceName();
    }

    @Override
    public String backendName() {
        return QemuBackend.NAME;
    }

    @Override
    public String accelerator() {
        return accelerator;
    }

    @Override
    public synchronized ByteStream controlChannel() throws BackendException {
        if (controlHandedOut) {
            throw new BackendException("instance '" + spec.instanceName() + "': the control channel was already handed out");
        }
        if (control == null || exit.isDone()) {
            throw new BackendException("instance '" + spec.instanceName() + "': the machine has ended, so its control channel is gone");
        }
        controlHandedOut = true;
        return control;
    }

    @Override
    public CompletionStage<MachineExit> exit() {
        return exit.copy();
    }

    @Override
    public void stop(Duration grace) {
        synchronized (this) {
            if (!process.isAlive() && exit.isDone()) {
                return;
            }
            stopRequested = true;
        }
        QmpClient client = qmp;
        if (client != null && process.isAlive()) {
            try {
                client.execute("quit", Duration.ofSeconds(2));
            } catch (QmpException e) {
                // QEMU may close the connection before answering quit; the wait below decides.
            }
        }
        try {
            if (!process.waitFor(Math.max(0, grace.toMillis()), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        closeQuietly();
        deleteSockets();
        if (!exit.isDone()) {
            // The exit watcher may not have run yet (or, when launch failed, was never registered).
            processEnded();
        }
    }

    @Override
    public String consoleTail(int lines) {
        return Tails.lastLines(spec.consoleLog(), lines);
    }

    private String qemuOutputTail() {
        String text = Tails.lastLines(files.qemuOutput(), 10).strip();
        return text.isEmpty() ? "(nothing on stderr)" : text;
    }

    private void closeQuietly() {
        closeQuietly(qmp);
        if (!controlHandedOut) {
            closeQuietly(control);
        }
    }

    private static void closeQuietly(Closeable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (IOException e) {
            // Closing a socket QEMU already closed can fail; nothing is lost.
        }
    }

    private void deleteSockets() {
        try {
            Files.deleteIfExists(files.qmpSocket());
            Files.deleteIfExists(files.controlSocket());
            Files.deleteIfExists(files.guestAgentSocket());
        } catch (IOException e) {
            // A leftover socket file only costs a directory entry; the runtime directory is removed after stop.
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
