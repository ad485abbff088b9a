package org.wslx.warp.vmm.bus;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One interrupt input of the guest's interrupt controller, as a device sees it. Implemented by the backend (e.g.
 * over {@code KVM_IRQ_LINE}; {@code KvmVm.interruptLine(int)} is one such implementation) and by test doubles.
 */
@ConsumerType
public interface InterruptLine {
    /** Drives the line high (asserted) until {@link #lower()}. */
    void raise();

    /** Drives the line low. */
    void lower();

    /** An edge: raise then lower, for edge-triggered inputs. */
    default void pulse() {
        raise();
        lower();
    }
}
