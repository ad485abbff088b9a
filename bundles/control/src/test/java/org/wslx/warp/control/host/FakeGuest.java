package org.wslx.warp.control.host;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.wslx.warp.control.wire.ChannelWindow;
import org.wslx.warp.control.wire.ControlFrames;
import org.wslx.warp.control.wire.Frame;
import org.wslx.warp.control.wire.FrameCodec;
import org.wslx.warp.control.wire.InboundChannel;
import org.wslx.warp.control.wire.OutboundChannel;
import org.wslx.warp.control.wire.PayloadReader;
import org.wslx.warp.control.wire.PayloadWriter;

/**
 * A scripted guest agent over a {@link PipeStream}, obeying the window rules. Programs: {@code
 * flood N} writes N pattern bytes to stdout; {@code echo} copies stdin to stdout; {@code split}
 * writes "out" and "err"; {@code sleep} waits for a signal and reports it.
 */
final class FakeGuest {
    private final PipeStream pipe;
    private final FrameCodec codec = new FrameCodec(ControlFrames.GUEST);
    private final Map<Integer, ChannelWindow[]> windows = new ConcurrentHashMap<>();
    private final Map<Integer, InboundChannel> stdins = new ConcurrentHashMap<>();
    private final Map<Integer, Thread> sleepers = new ConcurrentHashMap<>();
    final List<Integer> signals = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    volatile long floodSent;

    FakeGuest(PipeStream pipe) {
        this.pipe = pipe;
    }

    void send(Frame frame) throws IOException {
        synchronized (this) {
            codec.write(pipe.guestOut, frame);
        }
    }

    void sendRaw(byte[] bytes) throws IOException {
        synchronized (this) {
            pipe.guestOut.write(bytes);
            pipe.guestOut.flush();
        }
    }

    Frame receive() throws IOException {
        return codec.read(pipe.guestIn);
    }

    void hello(int major, byte[] secret) throws IOException {
        send(Frame.session(ControlFrames.HELLO, new PayloadWriter().u16(major).u16(3).u32(0x1F).bytes(secret)
                .str("fake-agent/1").toByteArray()));
    }

    /** HELLO, then WELCOME and CONFIG in, READY out, then serve in a background thread. */
    void handshakeAndServe(byte[] secret) {
        Thread t = new Thread(() -> {
            try {
                hello(1, secret);
                Frame welcome = receive();
                Frame config = receive();
                if (welcome.type() != ControlFrames.WELCOME || config.type() != ControlFrames.CONFIG) {
                    throw new IOException("expected WELCOME and CONFIG");
                }
                send(Frame.session(ControlFrames.READY, null));
                serve();
            } catch (IOException e) {
                errors.add(e.toString());
            }
        }, "fake-guest");
        t.setDaemon(true);
        t.start();
    }

    private void serve() throws IOException {
        for (Frame f; (f = receive()) != null;) {
            int id = f.stream();
            PayloadReader p = f.reader(ControlFrames.GUEST);
            switch (f.type()) {
                case ControlFrames.EXEC -> exec(id, p);
                case ControlFrames.WINDOW -> {
                    ChannelWindow[] w = windows.get(id);
                    if (w != null) {
                        w[f.channel()].grant(p.u32("increment"));
                    }
                }
                case ControlFrames.DATA -> stdins.get(id).offer(f.payload(), f.fin());
                case ControlFrames.SIGNAL -> {
                    signals.add(p.i32("signal"));
                    Thread sleeper = sleepers.remove(id);
                    if (sleeper != null) {
                        sleeper.interrupt();
                    }
                }
                case ControlFrames.PING -> send(Frame.session(ControlFrames.PONG, f.payload()));
                case ControlFrames.SHUTDOWN -> send(Frame.session(ControlFrames.SHUTDOWN_ACK, null));
                default -> errors.add("unexpected " + f);
            }
        }
    }

    private void exec(int id, PayloadReader p) throws IOException {
        p.u32("flags");
        p.u16("rows");
        p.u16("cols");
        p.str("cwd");
        p.str("user");
        List<String> argv = p.strList("argv");
        ChannelWindow[] w = {null, new ChannelWindow(ControlFrames.INITIAL_WINDOW), new ChannelWindow(ControlFrames.INITIAL_WINDOW)};
        windows.put(id, w);
        InboundChannel stdin = new InboundChannel("stdin", ControlFrames.INITIAL_WINDOW, n -> send(new Frame(ControlFrames.WINDOW, 0, 0, id,
                new PayloadWriter().u32(n).toByteArray())));
        stdins.put(id, stdin);
        OutboundChannel out = new OutboundChannel(this::send, id, 1, w[1]);
        OutboundChannel err = new OutboundChannel(this::send, id, 2, w[2]);
        Thread worker = new Thread(() -> run(id, argv, stdin, out, err), "fake-process-" + id);
        worker.setDaemon(true);
        if (argv.get(0).equals("sleep")) {
            sleepers.put(id, worker);
        }
        worker.start();
    }

    private void run(int id, List<String> argv, InputStream stdin, OutboundChannel out, OutboundChannel err) {
        try {
            int kind = 0;
            int value = 0;
            switch (argv.get(0)) {
                case "flood" -> {
                    long total = Long.parseLong(argv.get(1));
                    byte[] chunk = new byte[8192];
                    for (long sent = 0; sent < total; sent += chunk.length) {
                        int n = (int) Math.min(chunk.length, total - sent);
                        for (int i = 0; i < n; i++) {
                            chunk[i] = (byte) ((sent + i) * 7);
                        }
                        out.write(chunk, 0, n);
                        floodSent = sent + n;
                    }
                }
                case "echo" -> stdin.transferTo(out);
                case "split" -> {
                    out.write("out".getBytes());
                    err.write("err".getBytes());
                    value = 3;
                }
                case "sleep" -> {
                    try {
                        Thread.sleep(30_000);
                    } catch (InterruptedException e) {
                        kind = 1;
                        value = signals.get(signals.size() - 1);
                    }
                }
                default -> value = 127;
            }
            out.close();
            err.close();
            send(new Frame(ControlFrames.EXIT, 0, 0, id, new PayloadWriter().u8(kind).i32(value).str("").toByteArray()));
        } catch (IOException e) {
            errors.add(e.toString());
        }
    }
}
