package org.wslx.warp.control.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class InboundChannelTest {
    @Test
    void grantsAreBatchedAtHalfTheWindowAndOverrunIsAProtocolError() throws IOException {
        List<Integer> grants = new ArrayList<>();
        InboundChannel channel = new InboundChannel("stdout of stream 1", 8, grants::add);
        channel.offer(new byte[] {1, 2, 3}, false);
        channel.offer(new byte[] {4, 5, 6, 7, 8}, false);
        assertEquals("DATA of 1 bytes on stdout of stream 1 exceeds the 0 bytes of window granted",
                assertThrows(WireFormatException.class, () -> channel.offer(new byte[1], false)).getMessage());
        byte[] three = new byte[3];
        assertEquals(3, channel.read(three));
        assertEquals(List.of(), grants);
        assertEquals(4, channel.read());
        assertEquals(List.of(4), grants);
        channel.offer(new byte[] {9, 10, 11, 12}, true);
        byte[] rest = new byte[16];
        assertEquals(8, channel.read(rest));
        assertEquals(12, rest[7]);
        assertEquals(-1, channel.read());
        assertEquals(8, channel.highWater());
    }

    @Test
    void windowBlocksWritersUntilCreditArrives() throws Exception {
        ChannelWindow window = new ChannelWindow(2);
        assertEquals(2, window.acquire(5));
        Thread granter = new Thread(() -> {
            try {
                Thread.sleep(50);
                window.grant(3);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        granter.start();
        assertEquals(3, window.acquire(10));
        window.close("process on stream 1 has exited");
        assertEquals("process on stream 1 has exited", assertThrows(IOException.class, () -> window.acquire(1)).getMessage());
    }
}
