package org.wslx.warp.backend.kvm.acpi;

import java.util.List;

/** The Extended System Description Table (ACPI 6.x §5.2.8): the 64-bit addresses of the other tables except the DSDT. */
final class Xsdt {
    static final int REVISION = 1;

    private Xsdt() {
    }

    static int length(int entries) {
        return SystemDescriptionTable.HEADER_LENGTH + 8 * entries;
    }

    static byte[] of(List<Long> tables) {
        ByteWriter body = new ByteWriter();
        for (long address : tables) {
            body.u64(address);
        }
        return SystemDescriptionTable.of("XSDT", REVISION, body.toArray());
    }
}
