package org.wslx.warp.sandbox;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A sandbox operation failed. {@link #kind()} says how; the message is a sentence naming the image, the
 * function and the cause. For {@link Kind#FAULT} the vector, faulting address and instruction are set.
 */
@ProviderType
public class SandboxException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** The image file is missing, not ELF64 x86-64, lacks the runtime, or does not fit in memory. */
        BAD_IMAGE,
        /** The image has no function of that name. */
        UNKNOWN_FUNCTION,
        /** The input is larger than the sandbox's input window. */
        INPUT_TOO_LARGE,
        /** The guest raised a CPU exception (page fault, invalid opcode, ...); the sandbox is discarded. */
        FAULT,
        /** The guest ran past the call's time limit and was stopped; the sandbox is discarded. */
        TIMEOUT,
        /** The function's output exceeds the call's limit or the output window. */
        OUTPUT_TOO_LARGE,
        /** The function returned an error code of its own. */
        GUEST_ERROR,
        /** No usable {@code /dev/kvm}. */
        KVM_UNAVAILABLE,
        /** The sandbox or pool is closed or was discarded. */
        CLOSED,
        /** The VM stopped in a way the sandbox protocol does not allow; the sandbox is discarded. */
        UNEXPECTED_EXIT
    }

    /** No CPU exception vector (kinds other than {@link Kind#FAULT}). */
    public static final int NO_VECTOR = -1;

    private final Kind kind;
    private final int vector;
    private final long faultAddress;
    private final long instructionAddress;
    private final long guestCode;

    public SandboxException(Kind kind, String message) {
        this(kind, message, NO_VECTOR, 0, 0, 0, null);
    }

    public SandboxException(Kind kind, String message, Throwable cause) {
        this(kind, message, NO_VECTOR, 0, 0, 0, cause);
    }

    public SandboxException(Kind kind, String message, int vector, long faultAddress, long instructionAddress,
            long guestCode, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.vector = vector;
        this.faultAddress = faultAddress;
        this.instructionAddress = instructionAddress;
        this.guestCode = guestCode;
    }

    public Kind kind() {
        return kind;
    }

    /** The CPU exception vector for {@link Kind#FAULT} (14 page fault, 6 invalid opcode, ...), else {@link #NO_VECTOR}. */
    public int vector() {
        return vector;
    }

    /** For a page fault, the address accessed (CR2); else 0. */
    public long faultAddress() {
        return faultAddress;
    }

    /** For a fault, the guest instruction pointer of the faulting instruction; else 0. */
    public long instructionAddress() {
        return instructionAddress;
    }

    /** For {@link Kind#GUEST_ERROR}, the negative code the function returned; else 0. */
    public long guestCode() {
        return guestCode;
    }
}
