package org.wslx.warp.control.host;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.wslx.warp.control.ByteStream;
import org.wslx.warp.control.Capability;
import org.wslx.warp.control.ControlException;
import org.wslx.warp.control.ExecRequest;
import org.wslx.warp.control.ExitStatus;
import org.wslx.warp.control.GuestInfo;
import org.wslx.warp.control.GuestProcess;
import org.wslx.warp.control.GuestSession;
import org.wslx.warp.control.MountSpec;
import org.wslx.warp.control.ProtocolException;
import org.wslx.warp.control.ProtocolVersion;
import org.wslx.warp.control.SessionParameters;
import org.wslx.warp.control.wire.ControlFrames;
import org.wslx.warp.control.wire.Frame;
import org.wslx.warp.control.wire.FrameCodec;
import org.wslx.warp.control.wire.FrameSink;
import org.wslx.warp.control.wire.PayloadReader;
import org.wslx.warp.control.wire.PayloadWriter;
import org.wslx.warp.control.wire.WireFormatException;

/**
 * The host end of one control-plane session. A single reader thread runs the handshake and then
 * demultiplexes every frame; any thread may send, serialized by one lock so frames stay whole.
 * Whatever the guest sends, the outcome is a frame handled or the session closed with a reason.
 */
final class HostSession implements GuestSession, FrameSink {
    /** Every capability this host implements; the session gets the AND with the guest's. */
    static final int HOST_CAPABILITIES = Capability.toBits(Set.of(Capability.values()));
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(10);

    private enum Phase { AWAIT_HELLO, AWAIT_READY, OPEN, CLOSED }

    /** The guest was turned away during the handshake; {@code code} goes into the ERROR frame. */
    private static final class Rejection extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        Rejection(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    private final ByteStream stream;
    private final SessionParameters parameters;
    private final String prefix;
    private final FrameCodec codec = new FrameCodec(ControlFrames.GUEST);
    private final Object writeLock = new Object();
    private final Object execLock = new Object();
    private final SessionWriter writer;
    private final InputStream in;
    private final Map<Integer, HostProcess> processes = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Long>> pings = new ConcurrentHashMap<>();
    private final AtomicLong pingTokens = new AtomicLong();
    private final CompletableFuture<GuestInfo> ready = new CompletableFuture<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> shutdownAcknowledged = new CompletableFuture<>();
    private final Thread reader;
    private volatile Phase phase = Phase.AWAIT_HELLO;
    private volatile int lastStreamId;
    private volatile GuestInfo guest;

    HostSession(ByteStream stream, SessionParameters parameters) {
        this.stream = stream;
        this.parameters = parameters;
        this.prefix = "instance '" + parameters.name() + "': control plane: ";
        this.in = stream.input();
        this.writer = new SessionWriter(parameters.name(), codec, stream.output());
        this.reader = new Thread(this::readLoop, "warp-control-" + parameters.name());
        this.reader.setDaemon(true);
    }

    /** Starts reading and waits for the handshake to finish within the parameters' timeout. */
    GuestSession open() throws ControlException {
        reader.start();
        Duration timeout = parameters.handshakeTimeout();
        try {
            ready.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return this;
        } catch (TimeoutException e) {
            String awaited = phase == Phase.AWAIT_HELLO ? "HELLO" : "READY";
            String reason = prefix + "no " + awaited + " from the guest within " + timeout.toMillis() + " ms";
            closeWith(reason, false);
            throw new ControlException(reason);
        } catch (ExecutionException e) {
            throw (ControlException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeWith(prefix + "interrupted during the handshake", false);
            throw new ControlException(prefix + "interrupted during the handshake", e);
        }
    }

    // ---- reading -------------------------------------------------------------------------

    private void readLoop() {
        try {
            while (phase != Phase.CLOSED) {
                Frame frame = codec.read(in);
                if (frame == null) {
                    closeWith(prefix + "the guest closed the channel", false);
                    return;
                }
                handle(frame);
            }
        } catch (WireFormatException e) {
            refuse(ControlFrames.ERROR_PROTOCOL, e.getMessage(), true);
        } catch (Rejection e) {
            refuse(e.code, e.getMessage(), false);
        } catch (IOException e) {
            closeWith(prefix + "channel " + stream.describe() + " failed: " + describe(e), false);
        } catch (RuntimeException e) {
            refuse(ControlFrames.ERROR_INTERNAL, "host failed handling a frame: " + e, false);
        }
    }

    private void handle(Frame frame) throws IOException, Rejection {
        switch (phase) {
            case AWAIT_HELLO -> {
                expect(frame, ControlFrames.HELLO);
                welcome(frame);
            }
            case AWAIT_READY -> {
                if (frame.type() == ControlFrames.PING) {
                    pong(frame);
                } else {
                    expect(frame, ControlFrames.READY);
                    phase = Phase.OPEN;
                    ready.complete(guest);
                }
            }
            case OPEN -> dispatch(frame);
            case CLOSED -> { }
        }
    }

    private void expect(Frame frame, int type) throws WireFormatException {
        if (frame.type() != type) {
            throw new WireFormatException("expected " + name(type) + " but the guest sent " + name(frame.type()));
        }
        sessionFrame(frame);
    }

    private void welcome(Frame hello) throws IOException, Rejection {
        PayloadReader p = hello.reader(ControlFrames.GUEST);
        int major = p.u16("major");
        int minor = p.u16("minor");
        long capabilities = p.u32("capabilities");
        byte[] secret = p.bytes("secret");
        String agent = p.str("agent");
        ProtocolVersion ours = ProtocolVersion.CURRENT;
        if (major != ours.major()) {
            throw new Rejection(ControlFrames.ERROR_VERSION, "the guest speaks protocol " + major + "." + minor
                    + " but this host speaks " + ours.major() + ".x");
        }
        // MessageDigest.isEqual takes the same time wherever the arrays differ
        if (!MessageDigest.isEqual(secret, parameters.bootSecret())) {
            throw new Rejection(ControlFrames.ERROR_AUTHENTICATION, "the guest's boot secret is wrong");
        }
        ProtocolVersion agreed = new ProtocolVersion(major, Math.min(minor, ours.minor()));
        int shared = (int) (capabilities & HOST_CAPABILITIES);
        guest = new GuestInfo(agent, agreed, Capability.fromBits(shared));
        send(Frame.session(ControlFrames.WELCOME,
                new PayloadWriter().u16(agreed.major()).u16(agreed.minor()).u32(shared).toByteArray()));
        phase = Phase.AWAIT_READY;
        send(Frame.session(ControlFrames.CONFIG, encodeConfig()));
    }

    private byte[] encodeConfig() {
        var config = parameters.config();
        PayloadWriter w = new PayloadWriter().str(config.hostname());
        w.strList(config.environment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList());
        w.u32(config.mounts().size());
        for (MountSpec m : config.mounts()) {
            w.str(m.source()).str(m.target()).str(m.fsType()).str(m.options());
        }
        return w.toByteArray();
    }

    private void dispatch(Frame frame) throws IOException {
        switch (frame.type()) {
            case ControlFrames.PING -> pong(frame);
            case ControlFrames.PONG -> {
                sessionFrame(frame);
                CompletableFuture<Long> waiting = pings.remove(frame.reader(ControlFrames.GUEST).u64("token"));
                if (waiting != null) {
                    waiting.complete(System.nanoTime());
                }
            }
            case ControlFrames.SHUTDOWN_ACK -> {
                sessionFrame(frame);
                closeWith(prefix + "the guest acknowledged SHUTDOWN", false); // also completes the acknowledgement
            }
            case ControlFrames.ERROR -> guestError(frame);
            case ControlFrames.STARTED -> process(frame).started(frame.reader(ControlFrames.GUEST).u32("pid"));
            case ControlFrames.DATA -> data(frame);
            case ControlFrames.WINDOW -> window(frame);
            case ControlFrames.EXIT -> exit(frame);
            default -> throw new WireFormatException("the guest sent " + name(frame.type()) + ", which only the host sends");
        }
    }

    private void pong(Frame ping) throws IOException {
        sessionFrame(ping);
        send(Frame.session(ControlFrames.PONG, new PayloadWriter().u64(ping.reader(ControlFrames.GUEST).u64("token"))
                .toByteArray()));
    }

    private void data(Frame frame) throws IOException {
        if (frame.channel() == ControlFrames.CHANNEL_STDIN) {
            throw new WireFormatException("the guest sent DATA on stdin (channel 0) of stream " + frame.stream());
        }
        process(frame).output(frame.channel()).offer(frame.payload(), frame.fin());
    }

    private void window(Frame frame) throws IOException {
        if (frame.channel() != ControlFrames.CHANNEL_STDIN) {
            throw new WireFormatException("the guest sent WINDOW for channel " + frame.channel() + " of stream "
                    + frame.stream() + ", but only stdin flows towards it");
        }
        long increment = frame.reader(ControlFrames.GUEST).u32("increment");
        HostProcess process = processes.get(frame.stream());
        if (process == null && frame.stream() != 0 && Integer.compareUnsigned(frame.stream(), lastStreamId) <= 0) {
            return; // crossed EXIT on the wire: allowed and ignored
        }
        process(frame).stdinWindow().grant(increment);
    }

    private void exit(Frame frame) throws IOException {
        HostProcess process = process(frame);
        PayloadReader p = frame.reader(ControlFrames.GUEST);
        int kind = p.u8("kind");
        int value = p.i32("value");
        String message = p.str("message");
        ExitStatus.Kind status = switch (kind) {
            case ControlFrames.EXIT_EXITED -> ExitStatus.Kind.EXITED;
            case ControlFrames.EXIT_SIGNALED -> ExitStatus.Kind.SIGNALED;
            case ControlFrames.EXIT_NOT_STARTED -> ExitStatus.Kind.NOT_STARTED;
            default -> throw new WireFormatException("EXIT on stream " + frame.stream() + " has unknown kind " + kind);
        };
        processes.remove(frame.stream());
        process.end(new ExitStatus(status, value, message));
    }

    private void guestError(Frame frame) throws IOException {
        PayloadReader p = frame.reader(ControlFrames.GUEST);
        int code = p.u16("code");
        String message = p.str("message");
        if (frame.stream() == 0) {
            closeWith(prefix + "the guest reported error " + code + ": " + message, code == ControlFrames.ERROR_PROTOCOL);
            return;
        }
        HostProcess process = process(frame);
        processes.remove(frame.stream());
        if (code == ControlFrames.ERROR_EXEC_REFUSED) {
            // 126 is what a shell reports for a command it found but could not run
            process.end(new ExitStatus(ExitStatus.Kind.NOT_STARTED, 126, "the guest refused the exec: " + message));
        } else {
            process.lose(prefix + "the guest reported error " + code + " on stream " + frame.stream() + ": " + message);
        }
    }

    private HostProcess process(Frame frame) throws WireFormatException {
        HostProcess process = processes.get(frame.stream());
        if (process == null) {
            throw new WireFormatException(name(frame.type()) + " for stream " + Integer.toUnsignedString(frame.stream())
                    + ", which " + (frame.stream() == 0 ? "is the session, not a process" : "does not exist"));
        }
        return process;
    }

    private static void sessionFrame(Frame frame) throws WireFormatException {
        if (frame.stream() != 0) {
            throw new WireFormatException(name(frame.type()) + " on stream " + Integer.toUnsignedString(frame.stream())
                    + "; it belongs on stream 0");
        }
    }

    private static String name(int type) {
        return ControlFrames.GUEST.name(type);
    }

    // ---- writing and closing -------------------------------------------------------------

    @Override
    public void send(Frame frame) throws IOException {
        synchronized (writeLock) {
            if (phase == Phase.CLOSED) {
                throw new IOException(closed.getNow(prefix + "the session is closed"));
            }
            writer.write(frame);
        }
    }

    void sendOrThrow(Frame frame) throws ControlException {
        try {
            send(frame);
        } catch (IOException e) {
            closeWith(prefix + "writing to " + stream.describe() + " failed: " + describe(e), false);
            throw new ControlException(closed.getNow(prefix + "the session is closed"), e);
        }
    }

    /** Some channel exceptions (an asynchronous close, an interrupt) carry no message; their type says it. */
    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    void require(Capability capability, String what) throws ControlException {
        GuestInfo info = guest;
        if (info == null || !info.capabilities().contains(capability)) {
            throw new ControlException("instance '" + parameters.name() + "': the guest agent cannot " + what
                    + " (no " + capability + " capability)");
        }
    }

    /** Tells the guest what was wrong (best effort), then closes. */
    private void refuse(int code, String message, boolean protocol) {
        try {
            synchronized (writeLock) {
                writer.write(Frame.session(ControlFrames.ERROR, new PayloadWriter().u16(code).str(message).toByteArray()));
            }
        } catch (IOException | RuntimeException ignored) {
            // the peer may already be gone; the reason below is what matters
        }
        closeWith(prefix + message, protocol);
    }

    private void closeWith(String reason, boolean protocol) {
        // CLOSED is visible before closed() completes, so whoever it wakes sees a closed session.
        phase = Phase.CLOSED;
        if (!closed.complete(reason)) {
            return;
        }
        writer.close();
        try {
            stream.close();
        } catch (IOException ignored) {
            // closing is the goal; a failure to close changes nothing for the session
        }
        ready.completeExceptionally(protocol ? new ProtocolException(reason) : new ControlException(reason));
        for (HostProcess process : processes.values()) {
            process.lose(reason);
        }
        processes.clear();
        pings.values().forEach(p -> p.cancel(false));
        shutdownAcknowledged.complete(null);
    }

    // ---- GuestSession --------------------------------------------------------------------

    @Override
    public GuestInfo guest() {
        return guest;
    }

    @Override
    public GuestProcess exec(ExecRequest request) throws ControlException {
        if (phase != Phase.OPEN) {
            throw new ControlException("instance '" + parameters.name() + "': cannot exec " + request.argv().get(0)
                    + " because the control plane is " + (phase == Phase.CLOSED ? "closed: " + closed.getNow("") : "not ready"));
        }
        boolean terminal = request.terminal() != null;
        if (terminal) {
            require(Capability.PTY, "allocate a pseudo-terminal");
        }
        if (!request.user().isEmpty()) {
            require(Capability.USERS, "run processes as user '" + request.user() + "'");
        }
        synchronized (execLock) {
            int id = lastStreamId + 1;
            HostProcess process = new HostProcess(this, id, terminal);
            processes.put(id, process);
            lastStreamId = id;
            PayloadWriter w = new PayloadWriter().u32(terminal ? ControlFrames.EXEC_FLAG_PTY : 0)
                    .u16(terminal ? request.terminal().rows() : 0).u16(terminal ? request.terminal().columns() : 0)
                    .str(request.workingDirectory()).str(request.user()).strList(request.argv());
            w.strList(request.environment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList());
            sendOrThrow(new Frame(ControlFrames.EXEC, 0, 0, id, w.toByteArray()));
            return process;
        }
    }

    @Override
    public Duration ping() throws ControlException {
        long token = pingTokens.incrementAndGet();
        CompletableFuture<Long> pong = new CompletableFuture<>();
        pings.put(token, pong);
        long start = System.nanoTime();
        sendOrThrow(Frame.session(ControlFrames.PING, new PayloadWriter().u64(token).toByteArray()));
        try {
            return Duration.ofNanos(pong.get(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) - start);
        } catch (TimeoutException e) {
            pings.remove(token);
            throw new ControlException(prefix + "no PONG within " + PING_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            throw new ControlException(closed.getNow(prefix + "the session closed before the PONG"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(prefix + "interrupted while waiting for PONG", e);
        }
    }

    @Override
    public void shutdown(Duration timeout) throws ControlException {
        if (phase == Phase.CLOSED) {
            return;
        }
        sendOrThrow(Frame.session(ControlFrames.SHUTDOWN, null));
        try {
            shutdownAcknowledged.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new ControlException("instance '" + parameters.name() + "': the guest did not acknowledge SHUTDOWN within "
                    + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new ControlException(prefix + "shutdown failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException(prefix + "interrupted while waiting for SHUTDOWN_ACK", e);
        }
    }

    @Override
    public int activeProcesses() {
        return processes.size();
    }

    @Override
    public boolean isOpen() {
        return phase == Phase.OPEN;
    }

    @Override
    public CompletionStage<String> closed() {
        return closed;
    }

    @Override
    public void close() {
        closeWith(prefix + "closed by the host", false);
    }
}
