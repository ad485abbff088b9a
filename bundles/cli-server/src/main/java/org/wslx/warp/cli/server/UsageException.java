package org.wslx.warp.cli.server;

/** The command line is wrong; the message says how, in wsl.exe's style. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
