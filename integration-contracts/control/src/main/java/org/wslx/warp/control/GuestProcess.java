package org.wslx.warp.control;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A process running in the guest. Its three standard streams are separate, flow-controlled
 * control-plane channels: a guest that writes faster than {@link #stdout()} is read is held back
 * by the protocol's window, so the host never buffers more than the window.
 */
@ProviderType
public interface GuestProcess {
    /** The control-plane stream id, unique within the session. */
    int streamId();

    /** Closing it sends end-of-file to the process. */
    OutputStream stdin();

    InputStream stdout();

    InputStream stderr();

    /**
     * Whether the process runs on a pseudo-terminal. A request for one is dropped (the process gets
     * pipes) when the guest agent has no {@link Capability#PTY}; callers put a local terminal into
     * raw mode only when this is true.
     *
     * @since 1.1
     */
    default boolean terminal() {
        return false;
    }

    /** Sends a signal (Linux numbering: 2 = SIGINT, 9 = SIGKILL, 15 = SIGTERM). */
    void signal(int signal) throws ControlException;

    /** Resizes the process's pseudo-terminal; ignored for processes without one. */
    void resize(TerminalSize size) throws ControlException;

    /**
     * Completes when the process has ended and its stdout and stderr have been delivered up to
     * end-of-file; completes with {@link ExitStatus.Kind#LOST} if the session ends first.
     */
    CompletionStage<ExitStatus> exit();
}
