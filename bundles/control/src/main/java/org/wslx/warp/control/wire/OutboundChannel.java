package org.wslx.warp.control.wire;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An OutputStream that sends its bytes as DATA frames on one channel of one stream, never more than
 * the peer's window allows (writes block until WINDOW frames give credit). Closing sends FIN.
 */
public final class OutboundChannel extends OutputStream {
    private final FrameSink sink;
    private final int stream;
    private final int channel;
    private final ChannelWindow window;
    private boolean closed;

    public OutboundChannel(FrameSink sink, int stream, int channel, ChannelWindow window) {
        this.sink = sink;
        this.stream = stream;
        this.channel = channel;
        this.window = window;
    }

    public ChannelWindow window() {
        return window;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        synchronized (this) {
            if (closed) {
                throw new IOException("channel " + channel + " of stream " + stream + " is closed");
            }
            while (length > 0) {
                int chunk = window.acquire(Math.min(length, Frame.MAX_PAYLOAD));
                byte[] payload = new byte[chunk];
                System.arraycopy(bytes, offset, payload, 0, chunk);
                sink.send(new Frame(ControlFrames.DATA, channel, 0, stream, payload));
                offset += chunk;
                length -= chunk;
            }
        }
    }

    /** Sends FIN once; later calls do nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            sink.send(new Frame(ControlFrames.DATA, channel, Frame.FLAG_FIN, stream, null));
        }
    }
}
