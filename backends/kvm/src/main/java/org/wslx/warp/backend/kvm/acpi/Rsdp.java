package org.wslx.warp.backend.kvm.acpi;

/**
 * The Root System Description Pointer, revision 2 (ACPI 6.x §5.2.5.3): 36 bytes, no RSDT (a
 * revision-2 pointer with an XSDT is what every 64-bit OS reads), the first checksum over the
 * ACPI 1.0 part (20 bytes), the extended one over all of it. The legacy BIOS scan finds it on a
 * 16-byte boundary by its signature.
 */
final class Rsdp {
    static final int LENGTH = 36;
    static final int REVISION = 2;
    static final int CHECKSUM_OFFSET = 8;
    static final int V1_LENGTH = 20;
    static final int EXTENDED_CHECKSUM_OFFSET = 32;

    private Rsdp() {
    }

    static byte[] of(long xsdtAddress) {
        byte[] bytes = new ByteWriter()
                .ascii("RSD PTR ", 8)
                .u8(0)
                .ascii(SystemDescriptionTable.OEM_ID, 6)
                .u8(REVISION)
                .u32(0)
                .u32(LENGTH)
                .u64(xsdtAddress)
                .u8(0)
                .u8(0).u8(0).u8(0)
                .toArray();
        bytes[CHECKSUM_OFFSET] = (byte) ByteWriter.checksum(bytes, 0, V1_LENGTH);
        bytes[EXTENDED_CHECKSUM_OFFSET] = (byte) ByteWriter.checksum(bytes, 0, LENGTH);
        return bytes;
    }
}
