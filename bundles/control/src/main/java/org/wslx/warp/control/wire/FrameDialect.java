package org.wslx.warp.control.wire;

/**
 * Which frame types a peer speaks and the shortest payload each requires. The guest protocol is
 * {@link ControlFrames#GUEST}; the wslx link defines its own dialect on the same framing.
 */
public interface FrameDialect {
    /** Whether {@code type} is a frame type of this dialect. */
    boolean knows(int type);

    /** The fewest payload bytes a frame of {@code type} may carry. */
    int minimumPayload(int type);

    /** The type's name as the specification writes it, for messages. */
    String name(int type);
}
