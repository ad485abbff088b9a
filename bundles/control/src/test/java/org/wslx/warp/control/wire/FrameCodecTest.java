package org.wslx.warp.control.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private final FrameCodec codec = new FrameCodec(ControlFrames.GUEST);

    private static byte[] hex(String spaced) {
        return HexFormat.of().parseHex(spaced.replace(" ", "").replace("|", ""));
    }

    private Frame decode(byte[] bytes) throws IOException {
        return codec.read(new ByteArrayInputStream(bytes));
    }

    @Test
    void workedExampleOfSection6IsByteExact() throws IOException {
        byte[] exec = new PayloadWriter().u32(0).u16(0).u16(0).str("").str("").strList(List.of("echo", "hi"))
                .strList(List.of()).toByteArray();
        assertArrayEquals(hex("26000000 1000 00 00 01000000 | 00000000 0000 0000 00000000 00000000 02000000 04000000"
                + " 6563686f 02000000 6869 00000000"), FrameCodec.encode(new Frame(ControlFrames.EXEC, 0, 0, 1, exec)));
        assertArrayEquals(hex("03000000 1200 01 00 01000000 | 68690a"),
                FrameCodec.encode(new Frame(ControlFrames.DATA, 1, 0, 1, "hi\n".getBytes())));
        assertArrayEquals(hex("00000000 1200 01 01 01000000"),
                FrameCodec.encode(new Frame(ControlFrames.DATA, 1, Frame.FLAG_FIN, 1, null)));
        assertArrayEquals(hex("00000000 1200 02 01 01000000"),
                FrameCodec.encode(new Frame(ControlFrames.DATA, 2, Frame.FLAG_FIN, 1, null)));
        byte[] exitBytes = hex("09000000 1600 00 00 01000000 | 00 00000000 00000000");
        Frame exit = decode(exitBytes);
        PayloadReader p = exit.reader(ControlFrames.GUEST);
        assertEquals(ControlFrames.EXIT, exit.type());
        assertEquals(1, exit.stream());
        assertEquals(0, p.u8("kind"));
        assertEquals(0, p.i32("value"));
        assertEquals("", p.str("message"));
        Frame execBack = decode(FrameCodec.encode(new Frame(ControlFrames.EXEC, 0, 0, 1, exec)));
        PayloadReader e = execBack.reader(ControlFrames.GUEST);
        e.u32("flags"); e.u16("rows"); e.u16("cols");
        assertEquals("", e.str("cwd"));
        assertEquals("", e.str("user"));
        assertEquals(List.of("echo", "hi"), e.strList("argv"));
        assertEquals(List.of(), e.strList("env"));
    }

    @Test
    void everyFrameTypeRoundTripsWithItsPayload() throws IOException {
        int[] types = {ControlFrames.HELLO, ControlFrames.WELCOME, ControlFrames.CONFIG, ControlFrames.READY,
                ControlFrames.EXEC, ControlFrames.STARTED, ControlFrames.DATA, ControlFrames.WINDOW, ControlFrames.SIGNAL,
                ControlFrames.RESIZE, ControlFrames.EXIT, ControlFrames.PING, ControlFrames.PONG, ControlFrames.SHUTDOWN,
                ControlFrames.SHUTDOWN_ACK, ControlFrames.ERROR};
        for (int type : types) {
            byte[] payload = new byte[ControlFrames.GUEST.minimumPayload(type) + 3];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) (type * 31 + i);
            }
            Frame sent = new Frame(type, type == ControlFrames.DATA ? 2 : 0, type == ControlFrames.DATA ? Frame.FLAG_FIN : 0,
                    0x80000001, payload);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            codec.write(out, sent);
            Frame got = decode(out.toByteArray());
            assertEquals(type, got.type(), ControlFrames.GUEST.name(type));
            assertEquals(sent.channel(), got.channel());
            assertEquals(sent.flags(), got.flags());
            assertEquals(0x80000001, got.stream());
            assertArrayEquals(payload, got.payload());
        }
        assertEquals(16, types.length);
    }

    @Test
    void payloadFieldsRoundTrip() throws IOException {
        byte[] bytes = new PayloadWriter().u8(0xFE).u16(0xBEEF).u32(0xFFFFFFFFL).i32(-7).u64(Long.MIN_VALUE + 5)
                .str("grüß").bytes(new byte[] {1, 2, 3}).strList(List.of("a", "", "b=c")).toByteArray();
        PayloadReader r = new PayloadReader("TEST", bytes);
        assertEquals(0xFE, r.u8("a"));
        assertEquals(0xBEEF, r.u16("b"));
        assertEquals(0xFFFFFFFFL, r.u32("c"));
        assertEquals(-7, r.i32("d"));
        assertEquals(Long.MIN_VALUE + 5, r.u64("e"));
        assertEquals("grüß", r.str("f"));
        assertArrayEquals(new byte[] {1, 2, 3}, r.bytes("g"));
        assertEquals(List.of("a", "", "b=c"), r.strList("h"));
        assertEquals(0, r.remaining());
    }

    @Test
    void lengthAboveMaximumIsRejectedWithTheNumbers() {
        WireFormatException e = assertThrows(WireFormatException.class, () -> decode(hex("ffe0f505 1200 01 00 01000000")));
        assertEquals("frame length 99999999 exceeds 65536", e.getMessage());
    }

    @Test
    void unknownTypeIsRejected() {
        WireFormatException e = assertThrows(WireFormatException.class, () -> decode(hex("00000000 9999 00 00 00000000")));
        assertEquals("unknown frame type 0x9999", e.getMessage());
    }

    @Test
    void channelAboveTwoIsRejected() {
        WireFormatException e = assertThrows(WireFormatException.class, () -> decode(hex("00000000 1200 03 00 01000000")));
        assertEquals("DATA frame has channel 3, above 2", e.getMessage());
    }

    @Test
    void unknownFlagIsRejected() {
        WireFormatException e = assertThrows(WireFormatException.class, () -> decode(hex("00000000 1200 01 02 01000000")));
        assertEquals("DATA frame has unknown flags 0x2", e.getMessage());
    }

    @Test
    void payloadShorterThanTypeRequiresIsRejected() {
        WireFormatException e = assertThrows(WireFormatException.class, () -> decode(hex("04000000 2000 00 00 00000000 01020304")));
        assertEquals("PING payload of 4 bytes is shorter than the 8 its type requires", e.getMessage());
    }

    @Test
    void truncatedHeaderAndPayloadAreEndOfFile() throws IOException {
        assertNull(decode(new byte[0]));
        assertTrue(assertThrows(EOFException.class, () -> decode(hex("0300")))
                .getMessage().contains("2 of 12 header bytes"));
        assertTrue(assertThrows(EOFException.class, () -> decode(hex("03000000 1200 01 00 01000000 6869")))
                .getMessage().contains("2 of 3 payload bytes"));
    }

    @Test
    void fieldsThatOverrunThePayloadAreRejected() {
        PayloadReader r = new PayloadReader("HELLO", hex("ffffff7f"));
        assertEquals("HELLO field 'secret' claims 2147483647 bytes but only 0 remain",
                assertThrows(WireFormatException.class, () -> r.bytes("secret")).getMessage());
        PayloadReader list = new PayloadReader("EXEC", hex("00000010"));
        assertTrue(assertThrows(WireFormatException.class, () -> list.strList("argv")).getMessage()
                .contains("cannot hold them"));
        PayloadReader shortInt = new PayloadReader("WINDOW", hex("0102"));
        assertEquals("WINDOW payload ends before field 'increment' (needs 4 bytes at offset 0, has 2)",
                assertThrows(WireFormatException.class, () -> shortInt.u32("increment")).getMessage());
        PayloadReader badUtf8 = new PayloadReader("HELLO", hex("01000000 ff"));
        assertEquals("HELLO field 'agent' is not valid UTF-8",
                assertThrows(WireFormatException.class, () -> badUtf8.str("agent")).getMessage());
    }

    @Test
    void extraPayloadBytesAreIgnored() throws IOException {
        Frame f = decode(hex("0c000000 1300 00 00 05000000 00010000 deadbeef cafebabe"));
        assertEquals(256, f.reader(ControlFrames.GUEST).u32("increment"));
    }
}
