package org.wslx.warp.control.wire;

/**
 * One frame: the header fields and the payload. The payload array is owned by the frame; callers
 * must not change it after construction.
 */
public final class Frame {
    /** Header flag bit 0: no more data on this channel. */
    public static final int FLAG_FIN = 0x01;
    public static final int HEADER_LENGTH = 12;
    public static final int MAX_PAYLOAD = 65536;
    public static final int MAX_CHANNEL = 2;

    private static final byte[] EMPTY = new byte[0];

    private final int type;
    private final int channel;
    private final int flags;
    private final int stream;
    private final byte[] payload;

    public Frame(int type, int channel, int flags, int stream, byte[] payload) {
        if (type < 0 || type > 0xFFFF) {
            throw new IllegalArgumentException("frame type " + type + " does not fit in 16 bits");
        }
        if (channel < 0 || channel > MAX_CHANNEL) {
            throw new IllegalArgumentException("frame channel " + channel + " is not 0, 1 or 2");
        }
        if ((flags & ~FLAG_FIN) != 0) {
            throw new IllegalArgumentException("frame flags 0x" + Integer.toHexString(flags) + " use bits other than FIN");
        }
        byte[] body = payload == null ? EMPTY : payload;
        if (body.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("frame payload of " + body.length + " bytes exceeds " + MAX_PAYLOAD);
        }
        this.type = type;
        this.channel = channel;
        this.flags = flags;
        this.stream = stream;
        this.payload = body;
    }

    /** A frame on stream 0, channel 0, without flags. */
    public static Frame session(int type, byte[] payload) {
        return new Frame(type, 0, 0, 0, payload);
    }

    public int type() {
        return type;
    }

    public int channel() {
        return channel;
    }

    public int flags() {
        return flags;
    }

    public boolean fin() {
        return (flags & FLAG_FIN) != 0;
    }

    public int stream() {
        return stream;
    }

    public byte[] payload() {
        return payload;
    }

    /** A reader over the payload, whose errors name this frame's type. */
    public PayloadReader reader(FrameDialect dialect) {
        return new PayloadReader(dialect.name(type), payload);
    }

    @Override
    public String toString() {
        return "frame type 0x" + Integer.toHexString(type) + " stream " + Integer.toUnsignedString(stream) + " channel "
                + channel + (fin() ? " FIN" : "") + " with " + payload.length + " payload bytes";
    }
}
