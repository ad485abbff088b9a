package org.wslx.warp.control.wire;

import java.io.IOException;
import java.io.InputStream;

/**
 * The receiving side of one channel: an InputStream over a ring buffer no larger than the window.
 * The peer may only send what has been granted, so the buffer cannot overflow; bytes beyond the
 * grant are a protocol error. As the consumer reads, the freed space is granted back to the peer
 * in batches of at least half the window, the batching CONTROL-PLANE.md §5 recommends.
 */
public final class InboundChannel extends InputStream {
    /** Sends a WINDOW frame with {@code increment}; failures are the session's to report. */
    public interface Grant {
        void grant(int increment) throws IOException;
    }

    private final String description;
    private final int window;
    private final Grant grant;
    private final byte[] ring;
    private int head;
    private int buffered;
    private long granted;
    private int consumedSinceGrant;
    private int highWater;
    private boolean fin;
    private boolean discarding;
    private String failure;

    public InboundChannel(String description, int window, Grant grant) {
        this.description = description;
        this.window = window;
        this.grant = grant;
        this.ring = new byte[window];
        this.granted = window;
    }

    /**
     * Accepts a DATA payload from the peer.
     *
     * @throws WireFormatException if it exceeds what was granted or arrives after FIN
     */
    public void offer(byte[] data, boolean last) throws IOException {
        int release = 0;
        synchronized (this) {
            if (fin) {
                throw new WireFormatException("DATA on " + description + " after FIN");
            }
            if (data.length > granted) {
                throw new WireFormatException("DATA of " + data.length + " bytes on " + description + " exceeds the "
                        + granted + " bytes of window granted");
            }
            granted -= data.length;
            if (discarding) {
                release = data.length;
                granted += release;
            } else {
                int tail = (head + buffered) % ring.length;
                int first = Math.min(data.length, ring.length - tail);
                System.arraycopy(data, 0, ring, tail, first);
                System.arraycopy(data, first, ring, 0, data.length - first);
                buffered += data.length;
                highWater = Math.max(highWater, buffered);
            }
            if (last) {
                fin = true;
            }
            notifyAll();
        }
        if (release > 0 && !last) {
            grant.grant(release);
        }
    }

    /** The peer sent FIN (or the stream ended without one): readers see end-of-file after the buffer. */
    public synchronized void finish() {
        fin = true;
        notifyAll();
    }

    /** The stream was lost: readers get an IOException with {@code reason} after the buffer. */
    public synchronized void fail(String reason) {
        if (!fin && failure == null) {
            failure = reason;
            notifyAll();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        int release = 0;
        int n;
        synchronized (this) {
            while (buffered == 0 && !fin && failure == null && !discarding) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while reading " + description);
                }
            }
            if (buffered == 0) {
                if (failure != null && !fin) {
                    throw new IOException(failure);
                }
                return -1;
            }
            n = Math.min(length, buffered);
            int first = Math.min(n, ring.length - head);
            System.arraycopy(ring, head, into, offset, first);
            System.arraycopy(ring, 0, into, offset + first, n - first);
            head = (head + n) % ring.length;
            buffered -= n;
            consumedSinceGrant += n;
            if (!fin && consumedSinceGrant >= window / 2) {
                release = consumedSinceGrant;
                granted += release;
                consumedSinceGrant = 0;
            }
        }
        if (release > 0) {
            sendGrant(release);
        }
        return n;
    }

    @Override
    public synchronized int available() {
        return buffered;
    }

    /**
     * The consumer is done: what is buffered is dropped and later data is discarded on arrival
     * while its window is granted straight back, so the peer never stalls on a reader that left.
     */
    @Override
    public void close() throws IOException {
        int release;
        synchronized (this) {
            if (discarding) {
                return;
            }
            discarding = true;
            release = fin ? 0 : buffered + consumedSinceGrant;
            granted += release;
            buffered = 0;
            consumedSinceGrant = 0;
            notifyAll();
        }
        if (release > 0) {
            sendGrant(release);
        }
    }

    /** Bytes waiting to be read now. */
    public synchronized int buffered() {
        return buffered;
    }

    /** The most bytes ever buffered at once; never more than the window. */
    public synchronized int highWater() {
        return highWater;
    }

    public synchronized boolean finished() {
        return fin;
    }

    private void sendGrant(int increment) {
        try {
            grant.grant(increment);
        } catch (IOException e) {
            // the session that failed to send reports its own failure; the buffered bytes stay readable
        }
    }
}
