package org.wslx.warp.backend;

/**
 * How a machine ended.
 *
 * @param requested whether the host asked for it (stop, power-off through the agent)
 * @param reason    a sentence; for an unexpected end it includes the console's last lines
 */
public record MachineExit(boolean requested, String reason) {
}
