package org.wslx.warp.backend.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import org.wslx.warp.control.ByteStream;

/**
 * A connected Unix socket as a {@link ByteStream}. The streams call the channel directly instead of
 * going through {@code Channels.newInputStream}, whose streams share one lock so that a reader
 * blocked waiting for the guest would stall every writer.
 */
final class UnixSocketStream implements ByteStream {
    private final SocketChannel channel;
    private final String description;
    private final InputStream input = new ChannelInput();
    private final OutputStream output = new ChannelOutput();

    private UnixSocketStream(SocketChannel channel, String description) {
        this.channel = channel;
        this.description = description;
    }

    static UnixSocketStream connect(Path socket, String description) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new UnixSocketStream(channel, description);
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private final class ChannelInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, len));
            return n < 0 ? -1 : n;
        }

        @Override
        public void close() throws IOException {
            channel.shutdownInput();
        }
    }

    private final class ChannelOutput extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        @Override
        public void close() throws IOException {
            channel.shutdownOutput();
        }
    }
}
