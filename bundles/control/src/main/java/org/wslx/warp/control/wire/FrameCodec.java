package org.wslx.warp.control.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads and writes frames (CONTROL-PLANE.md §2) for one dialect. Reading checks every rule a
 * receiver must enforce on a single frame: length, type, channel, flags and minimum payload. Rules
 * that need session state (which streams exist, windows) are the session's.
 */
public final class FrameCodec {
    private final FrameDialect dialect;

    public FrameCodec(FrameDialect dialect) {
        this.dialect = dialect;
    }

    public FrameDialect dialect() {
        return dialect;
    }

    /**
     * Reads one frame.
     *
     * @return the frame, or {@code null} when the stream ends cleanly before a header starts
     * @throws WireFormatException if the frame breaks a rule; the message names the rule
     * @throws EOFException        if the stream ends inside a frame
     */
    public Frame read(InputStream in) throws IOException {
        byte[] header = new byte[Frame.HEADER_LENGTH];
        int got = readFully(in, header);
        if (got == 0) {
            return null;
        }
        if (got < header.length) {
            throw new EOFException("stream ended after " + got + " of " + header.length + " header bytes");
        }
        long length = u32(header, 0);
        int type = (header[4] & 0xFF) | (header[5] & 0xFF) << 8;
        int channel = header[6] & 0xFF;
        int flags = header[7] & 0xFF;
        int stream = (int) u32(header, 8);
        if (length > Frame.MAX_PAYLOAD) {
            throw new WireFormatException("frame length " + length + " exceeds " + Frame.MAX_PAYLOAD);
        }
        if (!dialect.knows(type)) {
            throw new WireFormatException("unknown frame type 0x" + hex4(type));
        }
        if (channel > Frame.MAX_CHANNEL) {
            throw new WireFormatException(dialect.name(type) + " frame has channel " + channel + ", above " + Frame.MAX_CHANNEL);
        }
        if ((flags & ~Frame.FLAG_FIN) != 0) {
            throw new WireFormatException(dialect.name(type) + " frame has unknown flags 0x" + Integer.toHexString(flags));
        }
        int minimum = dialect.minimumPayload(type);
        if (length < minimum) {
            throw new WireFormatException(dialect.name(type) + " payload of " + length + " bytes is shorter than the "
                    + minimum + " its type requires");
        }
        byte[] payload = new byte[(int) length];
        int body = readFully(in, payload);
        if (body < payload.length) {
            throw new EOFException("stream ended after " + body + " of " + length + " payload bytes of "
                    + dialect.name(type));
        }
        return new Frame(type, channel, flags, stream, payload);
    }

    /** Writes one frame as a single write, so that a lock around it keeps frames whole. */
    public void write(OutputStream out, Frame frame) throws IOException {
        out.write(encode(frame));
        out.flush();
    }

    /** The frame's bytes: header then payload. */
    public static byte[] encode(Frame frame) {
        byte[] payload = frame.payload();
        byte[] bytes = new byte[Frame.HEADER_LENGTH + payload.length];
        putU32(bytes, 0, payload.length);
        bytes[4] = (byte) frame.type();
        bytes[5] = (byte) (frame.type() >>> 8);
        bytes[6] = (byte) frame.channel();
        bytes[7] = (byte) frame.flags();
        putU32(bytes, 8, frame.stream());
        System.arraycopy(payload, 0, bytes, Frame.HEADER_LENGTH, payload.length);
        return bytes;
    }

    private static int readFully(InputStream in, byte[] into) throws IOException {
        int done = 0;
        while (done < into.length) {
            int n = in.read(into, done, into.length - done);
            if (n < 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    private static void putU32(byte[] b, int at, int value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >>> 8);
        b[at + 2] = (byte) (value >>> 16);
        b[at + 3] = (byte) (value >>> 24);
    }

    private static String hex4(int value) {
        String hex = Integer.toHexString(value);
        return "0000".substring(hex.length()) + hex;
    }
}
