package org.wslx.warp.backend.kvm.acpi;

/**
 * A resource template (ACPI 6.x §6.4): the bytes of a {@code _CRS} buffer, a run of small and
 * large resource descriptors closed by an End Tag whose checksum makes the whole template sum to
 * zero.
 */
final class ResourceTemplate {
    static final int IO_PORT = 0x47;
    static final int END_TAG = 0x79;
    static final int MEMORY32_FIXED = 0x86;
    static final int EXTENDED_INTERRUPT = 0x89;
    /** Extended interrupt flags: consumer (bit 0), edge (bit 1, else level), active low (bit 2, else high); exclusive (bit 3 clear). */
    static final int CONSUMER = 1;
    static final int EDGE = 1 << 1;
    static final int ACTIVE_LOW = 1 << 2;

    private final ByteWriter out = new ByteWriter();

    /** {@code Memory32Fixed (ReadWrite or ReadOnly, base, length)}. */
    ResourceTemplate memory32Fixed(boolean writable, long base, long length) {
        if (base >>> 32 != 0 || length >>> 32 != 0 || base + length > 1L << 32) {
            throw new IllegalArgumentException("Memory32Fixed: [0x" + Long.toHexString(base) + ", +0x" + Long.toHexString(length)
                    + ") does not fit below 4 GiB");
        }
        out.u8(MEMORY32_FIXED).u16(9).u8(writable ? 1 : 0).u32(base).u32(length);
        return this;
    }

    /** {@code IO (Decode16, port, port, 1, length)}: a fixed range of IO ports. */
    ResourceTemplate io(int port, int length) {
        out.u8(IO_PORT).u8(1).u16(port).u16(port).u8(1).u8(length);
        return this;
    }

    /** {@code Interrupt (ResourceConsumer, Level or Edge, ActiveHigh or ActiveLow, Exclusive) { gsi }}. */
    ResourceTemplate interrupt(AcpiPlatform.Interrupt interrupt) {
        int flags = CONSUMER | (interrupt.level() ? 0 : EDGE) | (interrupt.activeLow() ? ACTIVE_LOW : 0);
        out.u8(EXTENDED_INTERRUPT).u16(6).u8(flags).u8(1).u32(interrupt.gsi());
        return this;
    }

    /** The template with its End Tag. */
    byte[] bytes() {
        ByteWriter template = new ByteWriter().bytes(out.toArray()).u8(END_TAG).u8(0);
        byte[] b = template.toArray();
        b[b.length - 1] = (byte) ByteWriter.checksum(b, 0, b.length);
        return b;
    }
}
