package org.wslx.warp.backend.kvm.acpi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growing little-endian byte image, as every ACPI structure is laid out. */
final class ByteWriter {
    private byte[] bytes = new byte[256];
    private int size;

    ByteWriter u8(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
        return this;
    }

    ByteWriter u16(int value) {
        return u8(value).u8(value >>> 8);
    }

    ByteWriter u32(long value) {
        return u16((int) value).u16((int) (value >>> 16));
    }

    ByteWriter u64(long value) {
        return u32(value).u32(value >>> 32);
    }

    ByteWriter bytes(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, bytes, size, value.length);
        size += value.length;
        return this;
    }

    /** {@code text} in ASCII, padded with spaces to {@code width} bytes (ACPI's OEM fields). */
    ByteWriter ascii(String text, int width) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        if (b.length > width) {
            throw new IllegalArgumentException("ACPI field '" + text + "' is longer than its " + width + " bytes");
        }
        bytes(b);
        for (int i = b.length; i < width; i++) {
            u8(' ');
        }
        return this;
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    ByteWriter align(int alignment) {
        while (size % alignment != 0) {
            u8(0);
        }
        return this;
    }

    void putU8(int at, int value) {
        bytes[at] = (byte) value;
    }

    void putU32(int at, long value) {
        for (int i = 0; i < 4; i++) {
            bytes[at + i] = (byte) (value >>> (8 * i));
        }
    }

    int size() {
        return size;
    }

    byte[] toArray() {
        return Arrays.copyOf(bytes, size);
    }

    /** The byte that makes {@code [from, to)} of {@code data} sum to zero modulo 256, as ACPI checksums do. */
    static int checksum(byte[] data, int from, int to) {
        int sum = 0;
        for (int i = from; i < to; i++) {
            sum += data[i];
        }
        return -sum & 0xFF;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
