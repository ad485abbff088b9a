package org.wslx.warp.backend;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;
import org.wslx.warp.control.ByteStream;

/** A running machine, as a backend's handle. */
@ProviderType
public interface VirtualMachine {
    String instanceName();

    /** The backend that launched it. */
    String backendName();

    /** The accelerator it runs on, e.g. {@code tcg}. */
    String accelerator();

    /**
     * The byte stream to the guest's control-plane port. May be called once per machine.
     *
     * @throws BackendException if the channel cannot be connected
     */
    ByteStream controlChannel() throws BackendException;

    /** Completes when the machine has gone, whoever ended it. */
    CompletionStage<MachineExit> exit();

    /**
     * Ends the machine: a polite request to the hypervisor first (power-off, quit), then, after
     * {@code grace}, a forced kill. Returns when the machine has gone. Idempotent.
     */
    void stop(Duration grace);

    /** The last {@code lines} lines of the serial console, for error messages. */
    String consoleTail(int lines);
}
