package org.wslx.warp.control;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/** An open control-plane session with one guest agent. Many processes may run at once. */
@ProviderType
public interface GuestSession extends AutoCloseable {
    GuestInfo guest();

    /** Starts a process. Output starts flowing as soon as the guest sends it. */
    GuestProcess exec(ExecRequest request) throws ControlException;

    /** A PING/PONG round trip. */
    Duration ping() throws ControlException;

    /**
     * Asks the agent to end every process, sync and power the guest off; returns once the agent has
     * acknowledged or the session has closed, or throws when {@code timeout} passes first.
     */
    void shutdown(Duration timeout) throws ControlException;

    /** Number of processes started and not yet ended. */
    int activeProcesses();

    boolean isOpen();

    /** Completes with the reason when the session ends, for whatever cause. */
    CompletionStage<String> closed();

    /** Closes the stream without a SHUTDOWN; running processes end as {@link ExitStatus.Kind#LOST}. */
    @Override
    void close();
}
