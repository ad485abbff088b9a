package org.wslx.warp.control;

import java.time.Duration;

/**
 * How to open a session over a byte stream.
 *
 * @param name             the instance name, used in messages and thread names
 * @param bootSecret       the per-boot secret handed to the guest out of band; a HELLO carrying
 *                         anything else is rejected
 * @param config           sent to the guest as CONFIG after the handshake
 * @param handshakeTimeout how long to wait from opening the stream to the agent's READY
 */
public record SessionParameters(String name, byte[] bootSecret, GuestConfig config, Duration handshakeTimeout) {
    public SessionParameters {
        bootSecret = bootSecret.clone();
    }

    @Override
    public byte[] bootSecret() {
        return bootSecret.clone();
    }
}
