package org.wslx.warp.backend.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import org.wslx.warp.control.ByteStream;
import org.wslx.warp.control.wire.SocketStreams;

/**
 * A connected Unix socket as a {@link ByteStream}; {@link SocketStreams} keeps a reader blocked on
 * the guest from stalling the writers.
 */
final class UnixSocketStream implements ByteStream {
    private final SocketChannel channel;
    private final String description;
    private final InputStream input;
    private final OutputStream output;

    private UnixSocketStream(SocketChannel channel, String description) {
        this.channel = channel;
        this.description = description;
        this.input = SocketStreams.input(channel);
        this.output = SocketStreams.output(channel);
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
}
