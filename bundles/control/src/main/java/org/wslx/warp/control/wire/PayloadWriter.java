package org.wslx.warp.control.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;

/** Builds a payload from the encodings of CONTROL-PLANE.md §2, all little-endian. */
public final class PayloadWriter {
    private byte[] bytes = new byte[64];
    private int size;

    public PayloadWriter u8(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
        return this;
    }

    public PayloadWriter u16(int value) {
        ensure(2);
        bytes[size++] = (byte) value;
        bytes[size++] = (byte) (value >>> 8);
        return this;
    }

    public PayloadWriter u32(long value) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            bytes[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    public PayloadWriter i32(int value) {
        return u32(value);
    }

    public PayloadWriter u64(long value) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            bytes[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    public PayloadWriter bytes(byte[] value) {
        u32(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, bytes, size, value.length);
        size += value.length;
        return this;
    }

    public PayloadWriter str(String value) {
        return bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    public PayloadWriter strList(Collection<String> values) {
        u32(values.size());
        for (String value : values) {
            str(value);
        }
        return this;
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
