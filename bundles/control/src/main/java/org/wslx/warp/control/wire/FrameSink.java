package org.wslx.warp.control.wire;

import java.io.IOException;

/** Where a channel sends its frames: a session's writer, which keeps concurrent frames whole. */
public interface FrameSink {
    void send(Frame frame) throws IOException;
}
