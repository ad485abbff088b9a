package org.wslx.warp.backend.kvm;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

import org.wslx.warp.backend.kvm.device.uart.UartOutput;

/**
 * The serial console's file: bytes from the UART are gathered and written a line (or 4 KiB) at a
 * time, so a chatty guest costs one write per line, not one per byte.
 */
final class ConsoleLog implements UartOutput, AutoCloseable {
    private static final int WINDOW = 64 * 1024;
    private final Path file;
    private final FileChannel channel;
    private final ByteBuffer pending = ByteBuffer.allocate(4096);
    private boolean closed;

    ConsoleLog(Path file) throws IOException {
        this.file = file;
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    @Override
    public synchronized void transmit(int value) {
        if (closed) {
            return;
        }
        pending.put((byte) value);
        if (value == '\n' || !pending.hasRemaining()) {
            flush();
        }
    }

    synchronized void flush() {
        if (closed || pending.position() == 0) {
            return;
        }
        pending.flip();
        try {
            while (pending.hasRemaining()) {
                channel.write(pending);
            }
        } catch (IOException e) {
            // A full disk must not stop the guest; the console output is lost, the machine keeps running.
        }
        pending.clear();
    }

    /** The last {@code lines} lines, control characters removed. */
    String tail(int lines) {
        flush();
        if (lines <= 0 || !Files.isRegularFile(file)) {
            return "";
        }
        byte[] bytes;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long from = Math.max(0, in.length() - WINDOW);
            bytes = new byte[(int) (in.length() - from)];
            in.seek(from);
            in.readFully(bytes);
        } catch (IOException e) {
            return "(" + file + " cannot be read: " + e.getMessage() + ")";
        }
        String text = new String(bytes, StandardCharsets.UTF_8).replace("\r", "").replaceAll("[\\p{Cntrl}&&[^\n\t]]", "");
        List<String> all = Arrays.asList(text.split("\n"));
        int end = all.size();
        while (end > 0 && all.get(end - 1).isBlank()) {
            end--;
        }
        return String.join("\n", all.subList(Math.max(0, end - lines), end));
    }

    @Override
    public synchronized void close() {
        flush();
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing left to write.
        }
    }
}
