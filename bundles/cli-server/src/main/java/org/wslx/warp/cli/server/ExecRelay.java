package org.wslx.warp.cli.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.wslx.warp.control.ControlException;
import org.wslx.warp.control.ExitStatus;
import org.wslx.warp.control.GuestProcess;
import org.wslx.warp.control.TerminalSize;

/**
 * Joins a guest process to a wslx link: stdout and stderr to the client, the client's stdin to the
 * process, SIGNAL and RESIZE forwarded; a client that goes away hangs the process up.
 */
final class ExecRelay implements LinkConnection.Controls {
    private static final int SIGHUP = 1;

    private final GuestProcess process;

    ExecRelay(GuestProcess process) {
        this.process = process;
    }

    /** Relays until the process has exited and its output is delivered; returns its shell code. */
    int run(LinkConnection link) throws Exception {
        pump("stdin", link.stdin(), process.stdin(), true);
        Thread errors = pump("stderr", process.stderr(), link.stderr(), false);
        copy(process.stdout(), link.stdout());
        errors.join();
        ExitStatus status = process.exit().toCompletableFuture().get();
        // Ends the stdin pump with end-of-file; an interrupt could land inside a control-channel write.
        link.stdin().close();
        if (status.kind() == ExitStatus.Kind.LOST || status.kind() == ExitStatus.Kind.NOT_STARTED
                && !status.message().isEmpty()) {
            link.printError("wslx: " + status.message());
        }
        return status.shellCode();
    }

    private static Thread pump(String name, InputStream from, OutputStream to, boolean closeTarget) {
        Thread t = new Thread(() -> {
            try {
                copy(from, to);
            } catch (IOException e) {
                // one side ended; the exit status tells the story
            } finally {
                if (closeTarget) {
                    try {
                        to.close();
                    } catch (IOException ignored) {
                        // the process is already gone
                    }
                }
            }
        }, "wslx-relay-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void copy(InputStream from, OutputStream to) throws IOException {
        byte[] buffer = new byte[65536];
        for (int n; (n = from.read(buffer)) >= 0;) {
            to.write(buffer, 0, n);
        }
    }

    @Override
    public void signal(int signal) {
        try {
            process.signal(signal);
        } catch (ControlException e) {
            // a process that cannot be signalled will end on its own; nothing to tell the client
        }
    }

    @Override
    public void resize(int rows, int columns) {
        try {
            process.resize(new TerminalSize(rows, columns));
        } catch (ControlException | IllegalArgumentException e) {
            // a terminal that cannot be resized keeps its old size
        }
    }

    @Override
    public void disconnected() {
        if (!process.exit().toCompletableFuture().isDone()) {
            signal(SIGHUP);
        }
    }
}
