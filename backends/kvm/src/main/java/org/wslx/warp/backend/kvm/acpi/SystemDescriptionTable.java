package org.wslx.warp.backend.kvm.acpi;

/**
 * The 36-byte header every ACPI system description table starts with (ACPI 6.x §5.2.6): signature,
 * length, revision, checksum over the whole table, and the identifiers of who built it. WARP names
 * itself as OEM {@code WSLX}, table {@code WARPVM}, creator {@code WARP}.
 */
final class SystemDescriptionTable {
    static final int HEADER_LENGTH = 36;
    static final int LENGTH_OFFSET = 4;
    static final int CHECKSUM_OFFSET = 9;
    static final String OEM_ID = "WSLX";
    static final String OEM_TABLE_ID = "WARPVM";
    static final int OEM_REVISION = 1;
    static final String CREATOR_ID = "WARP";
    static final int CREATOR_REVISION = 1;

    private SystemDescriptionTable() {
    }

    /** The table {@code signature} with {@code body} after its header; length and checksum filled in. */
    static byte[] of(String signature, int revision, byte[] body) {
        ByteWriter table = new ByteWriter()
                .ascii(signature, 4)
                .u32(HEADER_LENGTH + body.length)
                .u8(revision)
                .u8(0)
                .ascii(OEM_ID, 6)
                .ascii(OEM_TABLE_ID, 8)
                .u32(OEM_REVISION)
                .ascii(CREATOR_ID, 4)
                .u32(CREATOR_REVISION)
                .bytes(body);
        byte[] bytes = table.toArray();
        bytes[CHECKSUM_OFFSET] = (byte) ByteWriter.checksum(bytes, 0, bytes.length);
        return bytes;
    }
}
