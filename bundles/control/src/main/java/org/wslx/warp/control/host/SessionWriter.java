package org.wslx.warp.control.host;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

import org.wslx.warp.control.wire.Frame;
import org.wslx.warp.control.wire.FrameCodec;

/**
 * Performs every write to the guest's byte stream on one thread that belongs to the session.
 * Many byte streams are NIO channels, which close for good when a thread doing I/O on them is
 * interrupted; the threads that call into a session (a CLI relay, a shell command, a surface) may
 * be interrupted at any time and must not take the guest's control channel down with them.
 * Writes keep their order: one thread performs them in submission order.
 */
final class SessionWriter implements AutoCloseable {
    private final ExecutorService thread;
    private final FrameCodec codec;
    private final OutputStream out;

    SessionWriter(String name, FrameCodec codec, OutputStream out) {
        this.codec = codec;
        this.out = out;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "warp-control-writer-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Writes one frame and returns once it is written; an interrupt of the caller is kept for later. */
    void write(Frame frame) throws IOException {
        Future<?> done;
        try {
            done = thread.submit(() -> {
                codec.write(out, frame);
                return null;
            });
        } catch (RejectedExecutionException e) {
            throw new IOException("the session's writer has stopped");
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    done.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        thread.shutdown();
    }
}
