package org.wslx.warp.vmm.vcpu;

/** Why a vCPU thread finished. */
public enum FinishReason {
    /** The guest executed {@code hlt} with no in-kernel irqchip to wait for an interrupt. */
    HALTED,
    /** The guest shut down: a triple fault, or a shutdown system event. */
    SHUTDOWN,
    /** A reset or crash system event. */
    SYSTEM_EVENT,
    /** KVM reported an exit the monitor cannot continue from: internal error, failed entry, an unhandled reason. */
    UNSUPPORTED_EXIT,
    /** The exit handler asked to finish. */
    EXIT_HANDLER,
    /** A KVM call or a device model failed. */
    ERROR,
    /** The host stopped it. */
    STOPPED_BY_HOST
}
