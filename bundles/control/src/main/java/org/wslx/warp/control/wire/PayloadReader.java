package org.wslx.warp.control.wire;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a payload's fields in order. Running past the end, or a count that cannot fit in what is
 * left, is a {@link WireFormatException} naming the frame type and the field. Bytes after the last
 * field read are ignored, as the specification requires for forward compatibility.
 */
public final class PayloadReader {
    private final String frameName;
    private final byte[] bytes;
    private int position;

    public PayloadReader(String frameName, byte[] bytes) {
        this.frameName = frameName;
        this.bytes = bytes;
    }

    public int u8(String field) throws WireFormatException {
        need(1, field);
        return bytes[position++] & 0xFF;
    }

    public int u16(String field) throws WireFormatException {
        need(2, field);
        int value = (bytes[position] & 0xFF) | (bytes[position + 1] & 0xFF) << 8;
        position += 2;
        return value;
    }

    public long u32(String field) throws WireFormatException {
        need(4, field);
        long value = 0;
        for (int i = 0; i < 4; i++) {
            value |= (bytes[position + i] & 0xFFL) << (8 * i);
        }
        position += 4;
        return value;
    }

    public int i32(String field) throws WireFormatException {
        return (int) u32(field);
    }

    public long u64(String field) throws WireFormatException {
        need(8, field);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value |= (bytes[position + i] & 0xFFL) << (8 * i);
        }
        position += 8;
        return value;
    }

    public byte[] bytes(String field) throws WireFormatException {
        long count = u32(field);
        if (count > bytes.length - position) {
            throw new WireFormatException(frameName + " field '" + field + "' claims " + count + " bytes but only "
                    + (bytes.length - position) + " remain");
        }
        byte[] value = new byte[(int) count];
        System.arraycopy(bytes, position, value, 0, value.length);
        position += value.length;
        return value;
    }

    public String str(String field) throws WireFormatException {
        byte[] raw = bytes(field);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new WireFormatException(frameName + " field '" + field + "' is not valid UTF-8");
        }
    }

    public List<String> strList(String field) throws WireFormatException {
        long count = u32(field);
        // every item needs at least its 4-byte length, which bounds a hostile count
        if (count > (bytes.length - position) / 4) {
            throw new WireFormatException(frameName + " field '" + field + "' claims " + count
                    + " items but the payload cannot hold them");
        }
        List<String> items = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            items.add(str(field));
        }
        return items;
    }

    /** A list count, checked against the remaining bytes at {@code minimumItemSize} bytes per item. */
    public int listCount(String field, int minimumItemSize) throws WireFormatException {
        long count = u32(field);
        if (count > (bytes.length - position) / Math.max(1, minimumItemSize)) {
            throw new WireFormatException(frameName + " field '" + field + "' claims " + count
                    + " items but the payload cannot hold them");
        }
        return (int) count;
    }

    public int remaining() {
        return bytes.length - position;
    }

    private void need(int count, String field) throws WireFormatException {
        if (bytes.length - position < count) {
            throw new WireFormatException(frameName + " payload ends before field '" + field + "' (needs " + count
                    + " bytes at offset " + position + ", has " + (bytes.length - position) + ")");
        }
    }
}
