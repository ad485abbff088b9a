package org.wslx.warp.backend.kvm.device.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw disk image file as a {@link BlockStore}: positional reads and writes on one channel, so
 * requests need no seek and no lock. A read-only disk opens the file for reading only.
 */
public final class FileBlockStore implements BlockStore, AutoCloseable {
    private final FileChannel channel;
    private final boolean readOnly;
    private final long size;

    private FileBlockStore(FileChannel channel, boolean readOnly) throws IOException {
        this.channel = channel;
        this.readOnly = readOnly;
        this.size = channel.size();
    }

    /** Opens {@code file}; its size now is the disk's size for the machine's lifetime. */
    public static FileBlockStore open(Path file, boolean readOnly) throws IOException {
        FileChannel channel = readOnly ? FileChannel.open(file, StandardOpenOption.READ)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            return new FileBlockStore(channel, readOnly);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public void read(long offset, ByteBuffer destination) throws IOException {
        while (destination.hasRemaining()) {
            int n = channel.read(destination, offset);
            if (n < 0) {
                return; // the file shrank under us: the caller sees bytes left and answers IOERR
            }
            offset += n;
        }
    }

    @Override
    public void write(long offset, ByteBuffer source) throws IOException {
        while (source.hasRemaining()) {
            offset += channel.write(source, offset);
        }
    }

    @Override
    public void flush() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
