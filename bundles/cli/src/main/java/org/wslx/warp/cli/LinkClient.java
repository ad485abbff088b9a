package org.wslx.warp.cli;

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
import org.wslx.warp.control.wire.OutboundChannel;
import org.wslx.warp.control.wire.PayloadReader;
import org.wslx.warp.control.wire.PayloadWriter;

/**
 * The client end of one link (LINK.md): sends the request, pumps stdin under the service's window,
 * writes stdout/stderr byte-exactly as they come and returns the exit code from EXIT.
 */
public final class LinkClient implements FrameSink {
    /** Switches the user's terminal into raw mode when the service runs a process on a PTY. */
    public interface TerminalMode {
        void raw() throws IOException;
    }

    private final FrameCodec codec = new FrameCodec(LinkFrames.LINK);
    private final InputStream in;
    private final OutputStream out;
    private final Object writeLock = new Object();
    private final ChannelWindow stdinWindow = new ChannelWindow(ControlFrames.INITIAL_WINDOW);
    private final int[] consumed = new int[3];

    public LinkClient(SocketChannel channel) {
        this.in = SocketStreams.input(channel);
        this.out = SocketStreams.output(channel);
    }

    @Override
    public void send(Frame frame) throws IOException {
        synchronized (writeLock) {
            codec.write(out, frame);
        }
    }

    public void sendRequest(String json) throws IOException {
        send(new Frame(LinkFrames.REQUEST, 0, 0, LinkFrames.STREAM, json.getBytes(StandardCharsets.UTF_8)));
    }

    /** Forwards a signal (Linux numbering) to whatever the service is running for this link. */
    public void signal(int signal) throws IOException {
        send(new Frame(ControlFrames.SIGNAL, 0, 0, LinkFrames.STREAM, new PayloadWriter().i32(signal).toByteArray()));
    }

    public void resize(int rows, int columns) throws IOException {
        send(new Frame(ControlFrames.RESIZE, 0, 0, LinkFrames.STREAM,
                new PayloadWriter().u16(rows).u16(columns).toByteArray()));
    }

    /**
     * Relays until the service sends EXIT.
     *
     * @return the exit code for {@code wslx} to exit with
     */
    public int relay(InputStream stdin, OutputStream stdout, OutputStream stderr, TerminalMode terminal) throws IOException {
        Thread pump = new StdinPump(stdin, new OutboundChannel(this, LinkFrames.STREAM, ControlFrames.CHANNEL_STDIN, stdinWindow));
        pump.start();
        try {
            for (Frame frame; (frame = codec.read(in)) != null;) {
                PayloadReader payload = frame.reader(LinkFrames.LINK);
                switch (frame.type()) {
                    case ControlFrames.DATA -> deliver(frame, frame.channel() == ControlFrames.CHANNEL_STDERR ? stderr : stdout);
                    case ControlFrames.WINDOW -> stdinWindow.grant(payload.u32("increment"));
                    case LinkFrames.TERMINAL -> {
                        if (payload.u8("raw") == 1 && terminal != null) {
                            terminal.raw();
                        }
                    }
                    case ControlFrames.EXIT -> {
                        payload.u8("kind");
                        return payload.i32("value");
                    }
                    case ControlFrames.ERROR -> {
                        payload.u16("code");
                        stderr.write(("wslx: " + payload.str("message") + "\n").getBytes(StandardCharsets.UTF_8));
                        stderr.flush();
                        return 1;
                    }
                    default -> throw new IOException("the service sent " + LinkFrames.LINK.name(frame.type())
                            + ", which a client does not expect");
                }
            }
            throw new IOException("the service closed the connection before the command finished");
        } finally {
            stdinWindow.close("the command has finished");
            stdout.flush();
            stderr.flush();
        }
    }

    private void deliver(Frame frame, OutputStream target) throws IOException {
        byte[] bytes = frame.payload();
        if (bytes.length > 0) {
            target.write(bytes);
            target.flush();
            // written through already, so the whole amount is free again; batch at half a window
            int channel = frame.channel();
            consumed[channel] += bytes.length;
            if (consumed[channel] >= ControlFrames.INITIAL_WINDOW / 2) {
                try {
                    send(new Frame(ControlFrames.WINDOW, channel, 0, LinkFrames.STREAM,
                            new PayloadWriter().u32(consumed[channel]).toByteArray()));
                } catch (IOException e) {
                    // the service may have sent EXIT and closed its end already; the rest is still readable
                }
                consumed[channel] = 0;
            }
        }
    }

    /** Copies the user's stdin to the link; end-of-file becomes FIN. */
    private static final class StdinPump extends Thread {
        private final InputStream stdin;
        private final OutboundChannel channel;

        StdinPump(InputStream stdin, OutboundChannel channel) {
            super("wslx-stdin");
            setDaemon(true);
            this.stdin = stdin;
            this.channel = channel;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[65536];
            try {
                for (int n; (n = stdin.read(buffer)) >= 0;) {
                    channel.write(buffer, 0, n);
                }
                channel.close();
            } catch (IOException e) {
                // the command ended or the link broke; the reading side reports what matters
            }
        }
    }
}
