package org.wslx.warp.backend.kvm.acpi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the ACPI tables describing a machine, laid out for a given guest-physical range: the RSDP
 * first (16-byte aligned, so the legacy scan of 0xE0000–0xFFFFF finds it too), then the XSDT, the
 * hardware-reduced FADT, the MADT and the DSDT, each on a 16-byte boundary. Pure: the same
 * platform and range always give the same bytes.
 */
public final class AcpiTables {
    static final int ALIGNMENT = 16;

    private AcpiTables() {
    }

    /**
     * @param base  guest-physical address of the image, 16-byte aligned, below 4 GiB
     * @param limit bytes available at {@code base}
     * @throws IllegalArgumentException when the tables do not fit, naming both sizes
     */
    public static AcpiImage build(AcpiPlatform platform, long base, long limit) {
        if (base % ALIGNMENT != 0 || base < 0 || base + limit > 1L << 32) {
            throw new IllegalArgumentException("ACPI tables: base 0x" + Long.toHexString(base)
                    + " must be 16-byte aligned and the range below 4 GiB");
        }
        byte[] madt = Madt.of(platform);
        byte[] dsdt = Dsdt.of(platform);
        long xsdtAt = align(base + Rsdp.LENGTH);
        long fadtAt = align(xsdtAt + Xsdt.length(2));
        long madtAt = align(fadtAt + Fadt.LENGTH);
        long dsdtAt = align(madtAt + madt.length);
        byte[] fadt = Fadt.of(dsdtAt, platform.power());
        byte[] xsdt = Xsdt.of(List.of(fadtAt, madtAt));

        Map<String, Long> tables = new LinkedHashMap<>();
        ByteWriter image = new ByteWriter();
        place(image, base, "RSDP", base, Rsdp.of(xsdtAt), tables);
        place(image, base, "XSDT", xsdtAt, xsdt, tables);
        place(image, base, "FACP", fadtAt, fadt, tables);
        place(image, base, "APIC", madtAt, madt, tables);
        place(image, base, "DSDT", dsdtAt, dsdt, tables);
        if (image.size() > limit) {
            throw new IllegalArgumentException("ACPI tables: " + image.size() + " bytes do not fit the " + limit + " bytes at 0x"
                    + Long.toHexString(base));
        }
        return new AcpiImage(base, image.toArray(), tables);
    }

    private static void place(ByteWriter image, long base, String name, long at, byte[] table, Map<String, Long> tables) {
        image.align(ALIGNMENT);
        if (base + image.size() != at) {
            throw new IllegalStateException("ACPI table " + name + " laid out at 0x" + Long.toHexString(base + image.size())
                    + " instead of 0x" + Long.toHexString(at));
        }
        image.bytes(table);
        tables.put(name, at);
    }

    private static long align(long address) {
        return (address + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
