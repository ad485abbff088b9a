package org.wslx.warp.cli.link;

import org.wslx.warp.control.wire.ControlFrames;
import org.wslx.warp.control.wire.FrameTable;

/**
 * The frame types of the wslx ↔ service link (LINK.md): the guest protocol's stream frames plus
 * two link-only types in 0x0100–0x01FF, a range CONTROL-PLANE.md does not use.
 */
public final class LinkFrames {
    /** Client → service, first frame: the request as a UTF-8 JSON object. */
    public static final int REQUEST = 0x0100;
    /** Service → client: {@code u8 raw}; 1 asks the client to put its terminal into raw mode. */
    public static final int TERMINAL = 0x0101;
    /** The one stream a link carries. */
    public static final int STREAM = 1;

    public static final FrameTable LINK = new FrameTable()
            .with(REQUEST, "REQUEST", 2)
            .with(TERMINAL, "TERMINAL", 1)
            .with(ControlFrames.DATA, "DATA", 0)
            .with(ControlFrames.WINDOW, "WINDOW", 4)
            .with(ControlFrames.SIGNAL, "SIGNAL", 4)
            .with(ControlFrames.RESIZE, "RESIZE", 4)
            .with(ControlFrames.EXIT, "EXIT", 9)
            .with(ControlFrames.ERROR, "ERROR", 6);

    private LinkFrames() {
    }
}
