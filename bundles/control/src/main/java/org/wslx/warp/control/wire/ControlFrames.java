package org.wslx.warp.control.wire;

/** The frame types, capabilities, error codes and limits of CONTROL-PLANE.md, version 1.0. */
public final class ControlFrames {
    public static final int HELLO = 0x0001;
    public static final int WELCOME = 0x0002;
    public static final int CONFIG = 0x0003;
    public static final int READY = 0x0004;
    public static final int EXEC = 0x0010;
    public static final int STARTED = 0x0011;
    public static final int DATA = 0x0012;
    public static final int WINDOW = 0x0013;
    public static final int SIGNAL = 0x0014;
    public static final int RESIZE = 0x0015;
    public static final int EXIT = 0x0016;
    public static final int PING = 0x0020;
    public static final int PONG = 0x0021;
    public static final int SHUTDOWN = 0x0030;
    public static final int SHUTDOWN_ACK = 0x0031;
    public static final int ERROR = 0x007F;

    public static final int CHANNEL_STDIN = 0;
    public static final int CHANNEL_STDOUT = 1;
    public static final int CHANNEL_STDERR = 2;

    public static final int EXEC_FLAG_PTY = 0x01;

    public static final int ERROR_PROTOCOL = 1;
    public static final int ERROR_AUTHENTICATION = 2;
    public static final int ERROR_VERSION = 3;
    public static final int ERROR_EXEC_REFUSED = 4;
    public static final int ERROR_INTERNAL = 5;

    public static final int EXIT_EXITED = 0;
    public static final int EXIT_SIGNALED = 1;
    public static final int EXIT_NOT_STARTED = 2;

    /** Every channel's window when its stream is created. */
    public static final int INITIAL_WINDOW = 262144;

    /**
     * The guest protocol's frame types with their shortest legal payloads: fixed fields count in
     * full, each {@code str}, {@code bytes} and {@code list} at least its 4-byte count.
     */
    public static final FrameTable GUEST = new FrameTable()
            .with(HELLO, "HELLO", 2 + 2 + 4 + 4 + 4)
            .with(WELCOME, "WELCOME", 2 + 2 + 4)
            .with(CONFIG, "CONFIG", 4 + 4 + 4)
            .with(READY, "READY", 0)
            .with(EXEC, "EXEC", 4 + 2 + 2 + 4 + 4 + 4 + 4)
            .with(STARTED, "STARTED", 4)
            .with(DATA, "DATA", 0)
            .with(WINDOW, "WINDOW", 4)
            .with(SIGNAL, "SIGNAL", 4)
            .with(RESIZE, "RESIZE", 2 + 2)
            .with(EXIT, "EXIT", 1 + 4 + 4)
            .with(PING, "PING", 8)
            .with(PONG, "PONG", 8)
            .with(SHUTDOWN, "SHUTDOWN", 0)
            .with(SHUTDOWN_ACK, "SHUTDOWN_ACK", 0)
            .with(ERROR, "ERROR", 2 + 4);

    private ControlFrames() {
    }
}
