package org.wslx.warp.control.host;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.wslx.warp.control.Capability;
import org.wslx.warp.control.ControlException;
import org.wslx.warp.control.ExitStatus;
import org.wslx.warp.control.GuestProcess;
import org.wslx.warp.control.TerminalSize;
import org.wslx.warp.control.wire.ChannelWindow;
import org.wslx.warp.control.wire.ControlFrames;
import org.wslx.warp.control.wire.Frame;
import org.wslx.warp.control.wire.InboundChannel;
import org.wslx.warp.control.wire.OutboundChannel;
import org.wslx.warp.control.wire.PayloadWriter;

/** One process stream of a {@link HostSession}: its three channels and its exit. */
final class HostProcess implements GuestProcess {
    private final HostSession session;
    private final int streamId;
    private final boolean terminal;
    private final OutboundChannel stdin;
    private final InboundChannel stdout;
    private final InboundChannel stderr;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private volatile long guestPid = -1;

    @Override
    public boolean terminal() {
        return terminal;
    }

    HostProcess(HostSession session, int streamId, boolean terminal) {
        this.session = session;
        this.streamId = streamId;
        this.terminal = terminal;
        this.stdin = new OutboundChannel(session, streamId, ControlFrames.CHANNEL_STDIN,
                new ChannelWindow(ControlFrames.INITIAL_WINDOW));
        this.stdout = inbound(ControlFrames.CHANNEL_STDOUT, "stdout");
        this.stderr = inbound(ControlFrames.CHANNEL_STDERR, "stderr");
    }

    private InboundChannel inbound(int channel, String label) {
        return new InboundChannel(label + " of stream " + streamId, ControlFrames.INITIAL_WINDOW,
                increment -> session.send(new Frame(ControlFrames.WINDOW, channel, 0, streamId,
                        new PayloadWriter().u32(increment).toByteArray())));
    }

    @Override
    public int streamId() {
        return streamId;
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

    InboundChannel output(int channel) {
        return channel == ControlFrames.CHANNEL_STDOUT ? stdout : stderr;
    }

    ChannelWindow stdinWindow() {
        return stdin.window();
    }

    void started(long pid) {
        guestPid = pid;
    }

    /** The guest's pid from STARTED, or -1 if it did not send one. */
    long guestPid() {
        return guestPid;
    }

    @Override
    public void signal(int signal) throws ControlException {
        session.require(Capability.SIGNALS, "deliver signals");
        if (!exit.isDone()) {
            session.sendOrThrow(new Frame(ControlFrames.SIGNAL, 0, 0, streamId, new PayloadWriter().i32(signal).toByteArray()));
        }
    }

    @Override
    public void resize(TerminalSize size) throws ControlException {
        if (!terminal || exit.isDone()) {
            return;
        }
        session.require(Capability.RESIZE, "resize terminals");
        session.sendOrThrow(new Frame(ControlFrames.RESIZE, 0, 0, streamId,
                new PayloadWriter().u16(size.rows()).u16(size.columns()).toByteArray()));
    }

    @Override
    public CompletionStage<ExitStatus> exit() {
        return exit;
    }

    /** EXIT arrived: outputs end where they are (the guest sends FIN first) and stdin is refused. */
    void end(ExitStatus status) {
        stdout.finish();
        stderr.finish();
        stdin.window().close("process on stream " + streamId + " has exited");
        exit.complete(status);
    }

    /** The session ended under the process. */
    void lose(String reason) {
        stdout.fail(reason);
        stderr.fail(reason);
        stdin.window().close(reason);
        exit.complete(new ExitStatus(ExitStatus.Kind.LOST, 0, reason));
    }
}
