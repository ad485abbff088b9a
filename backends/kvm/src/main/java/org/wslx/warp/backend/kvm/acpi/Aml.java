package org.wslx.warp.backend.kvm.acpi;

import java.nio.charset.StandardCharsets;

/**
 * The few ACPI Machine Language terms a DSDT describing fixed devices needs (ACPI 6.x §20.2):
 * scopes, devices, named objects, integers, strings, EISA IDs, buffers and packages, each
 * returned as its encoded bytes. Lengths use the variable PkgLength encoding (§20.2.4).
 */
final class Aml {
    static final int ZERO_OP = 0x00;
    static final int ONE_OP = 0x01;
    static final int NAME_OP = 0x08;
    static final int BYTE_PREFIX = 0x0A;
    static final int WORD_PREFIX = 0x0B;
    static final int DWORD_PREFIX = 0x0C;
    static final int STRING_PREFIX = 0x0D;
    static final int QWORD_PREFIX = 0x0E;
    static final int SCOPE_OP = 0x10;
    static final int BUFFER_OP = 0x11;
    static final int PACKAGE_OP = 0x12;
    static final int EXT_OP_PREFIX = 0x5B;
    static final int DEVICE_OP = 0x82;
    static final int ROOT_CHAR = '\\';
    static final int DUAL_NAME_PREFIX = 0x2E;
    static final int MULTI_NAME_PREFIX = 0x2F;
    /** A PkgLength of four bytes holds 28 bits. */
    static final int MAX_PACKAGE_LENGTH = (1 << 28) - 1;

    private Aml() {
    }

    /** {@code Scope (path) { terms }}. */
    static byte[] scope(String path, byte[]... terms) {
        return withPackageLength(new byte[] {SCOPE_OP}, concat(nameString(path), concat(terms)));
    }

    /** {@code Device (name) { terms }}. */
    static byte[] device(String name, byte[]... terms) {
        return withPackageLength(new byte[] {EXT_OP_PREFIX, (byte) DEVICE_OP}, concat(nameString(name), concat(terms)));
    }

    /** {@code Name (name, value)}. */
    static byte[] name(String name, byte[] value) {
        return concat(new byte[] {NAME_OP}, nameString(name), value);
    }

    /** The shortest encoding of an integer constant. */
    static byte[] integer(long value) {
        if (value == 0) {
            return new byte[] {ZERO_OP};
        }
        if (value == 1) {
            return new byte[] {ONE_OP};
        }
        ByteWriter out = new ByteWriter();
        if (value >= 0 && value <= 0xFF) {
            out.u8(BYTE_PREFIX).u8((int) value);
        } else if (value >= 0 && value <= 0xFFFF) {
            out.u8(WORD_PREFIX).u16((int) value);
        } else if (value >= 0 && value <= 0xFFFF_FFFFL) {
            out.u8(DWORD_PREFIX).u32(value);
        } else {
            out.u8(QWORD_PREFIX).u64(value);
        }
        return out.toArray();
    }

    /** A NUL-terminated ASCII string constant. */
    static byte[] string(String value) {
        byte[] ascii = value.getBytes(StandardCharsets.US_ASCII);
        for (byte b : ascii) {
            if (b < 1 || b > 0x7F) {
                throw new IllegalArgumentException("AML string '" + value + "' must be ASCII without NUL");
            }
        }
        return concat(new byte[] {STRING_PREFIX}, ascii, new byte[] {0});
    }

    /**
     * A compressed EISA ID such as {@code PNP0501}: three letters in five bits each and four hex
     * digits, stored as a 32-bit integer in the byte order the ID reads.
     */
    static byte[] eisaId(String id) {
        if (!id.matches("[A-Z]{3}[0-9A-F]{4}")) {
            throw new IllegalArgumentException("EISA ID '" + id + "' must be three capital letters and four hex digits");
        }
        int bigEndian = (id.charAt(0) - 0x40) << 26 | (id.charAt(1) - 0x40) << 21 | (id.charAt(2) - 0x40) << 16
                | Integer.parseInt(id.substring(3), 16);
        return integer(Integer.toUnsignedLong(Integer.reverseBytes(bigEndian)));
    }

    /** {@code Buffer (n) { bytes }}. */
    static byte[] buffer(byte[] contents) {
        return withPackageLength(new byte[] {BUFFER_OP}, concat(integer(contents.length), contents));
    }

    /** {@code Package (n) { elements }}, each element a data object. */
    static byte[] packageOf(byte[]... elements) {
        if (elements.length > 0xFF) {
            throw new IllegalArgumentException("AML package of " + elements.length + " elements needs VarPackage");
        }
        return withPackageLength(new byte[] {PACKAGE_OP}, concat(new byte[] {(byte) elements.length}, concat(elements)));
    }

    /**
     * A name string: an optional root prefix {@code \} and dot-separated segments of up to four
     * characters, each padded with underscores ({@code \_SB.VR00}, {@code _HID}).
     */
    static byte[] nameString(String path) {
        ByteWriter out = new ByteWriter();
        String rest = path;
        if (rest.startsWith("\\")) {
            out.u8(ROOT_CHAR);
            rest = rest.substring(1);
        }
        String[] segments = rest.split("\\.", -1);
        if (segments.length == 2) {
            out.u8(DUAL_NAME_PREFIX);
        } else if (segments.length > 2) {
            out.u8(MULTI_NAME_PREFIX).u8(segments.length);
        }
        for (String segment : segments) {
            out.bytes(nameSegment(segment, path));
        }
        return out.toArray();
    }

    private static byte[] nameSegment(String segment, String path) {
        if (!segment.matches("[A-Z_][A-Z0-9_]{0,3}")) {
            throw new IllegalArgumentException("AML name '" + path + "': segment '" + segment
                    + "' must be one to four of A-Z, 0-9, _ and must not start with a digit");
        }
        return (segment + "___".substring(0, 4 - segment.length())).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The PkgLength of a package whose contents after it are {@code contentLength} bytes: the
     * encoded length counts its own bytes too. One byte holds up to 63; longer lengths put the
     * number of following bytes in bits 6–7 and the low nibble in bits 0–3 of the lead byte.
     */
    static byte[] packageLength(int contentLength) {
        if (contentLength + 1 <= 0x3F) {
            return new byte[] {(byte) (contentLength + 1)};
        }
        for (int extra = 1; extra <= 3; extra++) {
            int total = contentLength + 1 + extra;
            if (total < 1 << (4 + 8 * extra)) {
                byte[] out = new byte[1 + extra];
                out[0] = (byte) (extra << 6 | total & 0x0F);
                for (int i = 1; i <= extra; i++) {
                    out[i] = (byte) (total >>> (4 + 8 * (i - 1)));
                }
                return out;
            }
        }
        throw new IllegalArgumentException("AML package of " + contentLength + " bytes exceeds PkgLength's " + MAX_PACKAGE_LENGTH);
    }

    private static byte[] withPackageLength(byte[] opcode, byte[] contents) {
        return concat(opcode, packageLength(contents.length), contents);
    }

    static byte[] concat(byte[]... parts) {
        ByteWriter out = new ByteWriter();
        for (byte[] p : parts) {
            out.bytes(p);
        }
        return out.toArray();
    }
}
