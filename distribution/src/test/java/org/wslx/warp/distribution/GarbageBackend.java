package org.wslx.warp.distribution;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;

import org.wslx.warp.backend.Backend;
import org.wslx.warp.backend.BackendStatus;
import org.wslx.warp.backend.MachineExit;
import org.wslx.warp.backend.MachineSpec;
import org.wslx.warp.backend.VirtualMachine;
import org.wslx.warp.control.ByteStream;

/**
 * Test double of a backend whose machines run no guest at all: the control channel replays bytes
 * the test chose, then either ends (EOF) or stays silent until the host closes it, and records
 * what the host wrote back. It takes the Linux boot method so the real personality and boot
 * method prepare and check a real payload first.
 */
final class GarbageBackend implements Backend {
    static final String NAME = "garbage";

    private volatile byte[] guestBytes = new byte[0];
    private volatile boolean holdOpen;
    private volatile GarbageMachine lastMachine;

    /** What the next machine's guest sends; {@code holdOpen} keeps the channel open afterwards. */
    void nextGuestSends(byte[] bytes, boolean holdOpen) {
        this.guestBytes = bytes.clone();
        this.holdOpen = holdOpen;
    }

    GarbageMachine lastMachine() {
        return lastMachine;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BackendStatus status() {
        return new BackendStatus(NAME, true, "garbage 1", "none", "A test double that replays chosen bytes.");
    }

    @Override
    public Set<String> bootMethods() {
        return Set.of("linux");
    }

    @Override
    public VirtualMachine launch(MachineSpec spec) {
        GarbageMachine machine = new GarbageMachine(spec.instanceName(), guestBytes, holdOpen);
        lastMachine = machine;
        return machine;
    }

    /** A machine that is only its control channel. */
    static final class GarbageMachine implements VirtualMachine, ByteStream {
        private final String instance;
        private final InputStream input;
        private final ByteArrayOutputStream hostWrote = new ByteArrayOutputStream();
        private final CountDownLatch closed = new CountDownLatch(1);
        private final CompletableFuture<MachineExit> exit = new CompletableFuture<>();

        GarbageMachine(String instance, byte[] guestBytes, boolean holdOpen) {
            this.instance = instance;
            InputStream replay = new ByteArrayInputStream(guestBytes);
            this.input = holdOpen ? new SequenceInputStream(replay, new SilentUntilClosed()) : replay;
        }

        boolean stopped() {
            return exit.isDone();
        }

        byte[] hostWrote() {
            synchronized (hostWrote) {
                return hostWrote.toByteArray();
            }
        }

        @Override
        public String instanceName() {
            return instance;
        }

        @Override
        public String backendName() {
            return NAME;
        }

        @Override
        public String accelerator() {
            return "none";
        }

        @Override
        public ByteStream controlChannel() {
            return this;
        }

        @Override
        public CompletionStage<MachineExit> exit() {
            return exit;
        }

        @Override
        public void stop(Duration grace) {
            closed.countDown();
            exit.complete(new MachineExit(true, "stopped by the host"));
        }

        @Override
        public String consoleTail(int lines) {
            return "";
        }

        @Override
        public InputStream input() {
            return input;
        }

        @Override
        public OutputStream output() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    synchronized (hostWrote) {
                        hostWrote.write(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    synchronized (hostWrote) {
                        hostWrote.write(b, off, len);
                    }
                }
            };
        }

        @Override
        public String describe() {
            return "garbage channel of " + instance;
        }

        @Override
        public void close() {
            closed.countDown();
        }

        /** A guest that has said its piece and now waits for the host to hang up. */
        private final class SilentUntilClosed extends InputStream {
            @Override
            public int read() throws IOException {
                try {
                    closed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while the guest stayed silent");
                }
                return -1;
            }
        }
    }
}
