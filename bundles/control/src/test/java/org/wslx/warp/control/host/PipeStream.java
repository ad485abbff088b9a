package org.wslx.warp.control.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;

import org.wslx.warp.control.ByteStream;

/** Two OS pipes joined into a host end and a guest end, standing in for a virtio-serial port. */
final class PipeStream implements ByteStream {
    final InputStream guestIn;
    final OutputStream guestOut;
    private final InputStream hostIn;
    private final OutputStream hostOut;

    PipeStream() throws IOException {
        Pipe toGuest = Pipe.open();
        Pipe toHost = Pipe.open();
        hostOut = Channels.newOutputStream(toGuest.sink());
        guestIn = Channels.newInputStream(toGuest.source());
        guestOut = Channels.newOutputStream(toHost.sink());
        hostIn = Channels.newInputStream(toHost.source());
    }

    @Override
    public InputStream input() {
        return hostIn;
    }

    @Override
    public OutputStream output() {
        return hostOut;
    }

    @Override
    public String describe() {
        return "test pipe";
    }

    /** Closes the host's ends only, as a real transport would: the guest sees end-of-file. */
    @Override
    public void close() throws IOException {
        hostIn.close();
        hostOut.close();
    }

    void closeBothEnds() throws IOException {
        close();
        guestIn.close();
        guestOut.close();
    }
}
