package org.wslx.warp.cli.server;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

import org.wslx.warp.cli.link.LinkFrames;
import org.wslx.warp.control.wire.SocketStreams;
import org.wslx.warp.control.wire.ChannelWindow;
import org.wslx.warp.control.wire.ControlFrames;
import org.wslx.warp.control.wire.Frame;
import org.wslx.warp.control.wire.FrameCodec;
import org.wslx.warp.control.wire.FrameSink;
import org.wslx.warp.control.wire.InboundChannel;
import org.wslx.warp.control.wire.OutboundChannel;
import org.wslx.warp.control.wire.PayloadReader;
import org.wslx.warp.control.wire.PayloadWriter;

/**
 * The service end of one wslx link: the request, then stdin in and stdout/stderr out under the
 * same window rules as the guest protocol, and SIGNAL/RESIZE handed to whatever runs.
 */
final class LinkConnection implements FrameSink, Closeable {
    /** Receives the client's SIGNAL and RESIZE frames and learns when it goes away. */
    interface Controls {
        void signal(int signal);

        void resize(int rows, int columns);

        void disconnected();
    }

    private final SocketChannel channel;
    private final FrameCodec codec = new FrameCodec(LinkFrames.LINK);
    private final InputStream in;
    private final OutputStream out;
    private final Object writeLock = new Object();
    private final InboundChannel stdin;
    private final OutboundChannel stdout;
    private final OutboundChannel stderr;
    private volatile Controls controls;

    LinkConnection(SocketChannel channel) {
        this.channel = channel;
        this.in = SocketStreams.input(channel);
        this.out = SocketStreams.output(channel);
        this.stdin = new InboundChannel("stdin from wslx", ControlFrames.INITIAL_WINDOW, increment -> send(new Frame(
                ControlFrames.WINDOW, ControlFrames.CHANNEL_STDIN, 0, LinkFrames.STREAM, new PayloadWriter().u32(increment).toByteArray())));
        this.stdout = new OutboundChannel(this, LinkFrames.STREAM, ControlFrames.CHANNEL_STDOUT, new ChannelWindow(ControlFrames.INITIAL_WINDOW));
        this.stderr = new OutboundChannel(this, LinkFrames.STREAM, ControlFrames.CHANNEL_STDERR, new ChannelWindow(ControlFrames.INITIAL_WINDOW));
    }

    /** Reads the REQUEST frame that opens every link. */
    ClientRequest readRequest() throws IOException {
        Frame first = codec.read(in);
        if (first == null) {
            throw new IOException("the client closed the connection before sending a request");
        }
        if (first.type() != LinkFrames.REQUEST) {
            throw new IOException("the client sent " + LinkFrames.LINK.name(first.type()) + " before REQUEST");
        }
        return ClientRequest.parse(first.payload());
    }

    /** Where SIGNAL and RESIZE go from now on. */
    void setControls(Controls target) {
        this.controls = target;
    }

    /** Starts the thread that reads the client's frames after the request. */
    void startReading(Controls target) {
        this.controls = target;
        Thread reader = new Thread(this::readLoop, "wslx-link-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        try {
            for (Frame frame; (frame = codec.read(in)) != null;) {
                PayloadReader p = frame.reader(LinkFrames.LINK);
                switch (frame.type()) {
                    case ControlFrames.DATA -> stdin.offer(frame.payload(), frame.fin());
                    case ControlFrames.WINDOW -> (frame.channel() == ControlFrames.CHANNEL_STDERR ? stderr : stdout).window()
                            .grant(p.u32("increment"));
                    case ControlFrames.SIGNAL -> controls.signal(p.i32("signal"));
                    case ControlFrames.RESIZE -> controls.resize(p.u16("rows"), p.u16("cols"));
                    default -> throw new IOException("the client sent " + LinkFrames.LINK.name(frame.type()) + " after its request");
                }
            }
            stdin.finish();
        } catch (IOException e) {
            stdin.fail("wslx link: " + e.getMessage());
        }
        stdout.window().close("the client disconnected");
        stderr.window().close("the client disconnected");
        controls.disconnected();
    }

    InputStream stdin() {
        return stdin;
    }

    OutputStream stdout() {
        return stdout;
    }

    OutputStream stderr() {
        return stderr;
    }

    /** Asks the client to put its terminal into raw mode, because a PTY in the guest does the line editing. */
    void terminalRaw() throws IOException {
        send(new Frame(LinkFrames.TERMINAL, 0, 0, LinkFrames.STREAM, new byte[] {1}));
    }

    void printError(String message) throws IOException {
        stderr.write((message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Ends both output channels and sends the exit code. */
    void exit(int code) throws IOException {
        stdout.close();
        stderr.close();
        send(new Frame(ControlFrames.EXIT, 0, 0, LinkFrames.STREAM,
                new PayloadWriter().u8(ControlFrames.EXIT_EXITED).i32(code).str("").toByteArray()));
    }

    @Override
    public void send(Frame frame) throws IOException {
        synchronized (writeLock) {
            codec.write(out, frame);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
