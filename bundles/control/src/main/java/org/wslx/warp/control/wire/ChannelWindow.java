package org.wslx.warp.control.wire;

import java.io.IOException;

/**
 * The sending side of one channel's window: how many bytes the sender may still put on the wire.
 * A writer takes credit before each DATA frame and blocks while there is none; WINDOW frames from
 * the receiver add credit back.
 */
public final class ChannelWindow {
    /** A window is a u32 on the wire; more credit than that means the peer miscounted. */
    private static final long MAX_CREDIT = 0xFFFFFFFFL;

    private long credit;
    private String closedReason;

    public ChannelWindow(long initialCredit) {
        this.credit = initialCredit;
    }

    /**
     * Takes between 1 and {@code wanted} bytes of credit, waiting while there is none.
     *
     * @throws IOException if the window is closed (the stream ended) while waiting
     */
    public synchronized int acquire(int wanted) throws IOException {
        while (credit == 0 && closedReason == null) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for window credit");
            }
        }
        if (closedReason != null) {
            throw new IOException(closedReason);
        }
        int taken = (int) Math.min(wanted, credit);
        credit -= taken;
        return taken;
    }

    /** Adds credit from a WINDOW frame. */
    public synchronized void grant(long increment) throws WireFormatException {
        if (closedReason != null) {
            return;
        }
        if (credit + increment > MAX_CREDIT) {
            throw new WireFormatException("WINDOW increment " + increment + " raises the window above " + MAX_CREDIT);
        }
        credit += increment;
        notifyAll();
    }

    /** Ends the window: writers waiting or arriving later fail with {@code reason}. */
    public synchronized void close(String reason) {
        if (closedReason == null) {
            closedReason = reason;
            notifyAll();
        }
    }

    public synchronized long credit() {
        return credit;
    }
}
