package org.wslx.warp.core;

import java.nio.file.Path;

import org.wslx.warp.backend.VirtualMachine;
import org.wslx.warp.control.GuestSession;

/**
 * One boot of one instance: the machine, the agent session on it, and the directory holding its
 * sockets and per-boot files.
 */
record Boot(VirtualMachine machine, GuestSession session, String backend, Path bootDirectory) {
}
