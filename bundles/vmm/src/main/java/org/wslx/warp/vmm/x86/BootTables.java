package org.wslx.warp.vmm.x86;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The page tables and GDT a kernel entered in long mode finds on its first instruction, as both of
 * WARP's boot methods (64-bit direct entry and the Linux 64-bit boot protocol) place them: an identity
 * map of guest-physical [0, 4 GiB) in 2 MiB supervisor pages (PML4 at 0x1000, PDPT at 0x2000, four page
 * directories from 0x3000), and the Linux boot GDT at 0x7000 (0x10 = 64-bit code, 0x18 = flat data).
 * Built with {@link PageTableBuilder} and {@link GdtBuilder} into a byte image that a boot method copies
 * to the guest in one write.
 */
@ProviderType
public final class BootTables {
    public static final long PML4 = 0x1000;
    public static final long GDT = 0x7000;
    public static final int CODE_SELECTOR = 0x10;
    public static final int DATA_SELECTOR = 0x18;
    /** The GDTR limit: four descriptors. */
    public static final int GDT_LIMIT = 4 * 8 - 1;
    /** End of everything {@link #image()} covers. */
    public static final long END = GDT + GDT_LIMIT + 1;
    private static final long IDENTITY_MAPPED = 4L << 30;
    private static final byte[] IMAGE = build();

    private BootTables() {
    }

    /** The bytes of guest-physical {@code [PML4, END)}: the page tables and the GDT. A fresh copy each call. */
    public static byte[] image() {
        return IMAGE.clone();
    }

    private static byte[] build() {
        byte[] bytes = new byte[(int) (END - PML4)];
        TableMemory image = TableMemory.image(PML4, bytes);
        PageTableBuilder tables = new PageTableBuilder(image, PML4, GDT - PML4);
        tables.identityMap(0, IDENTITY_MAPPED, PageFlags.KERNEL_RWX);
        if (tables.root() != PML4 || tables.bytesUsed() != GDT - PML4) {
            throw new IllegalStateException("boot page tables: expected six tables from 0x1000, got " + tables.bytesUsed() / 4096);
        }
        GdtBuilder gdt = new GdtBuilder();
        gdt.reserved();
        int code = gdt.code64(0);
        int data = gdt.data(0);
        if (code != CODE_SELECTOR || data != DATA_SELECTOR || gdt.limit() != GDT_LIMIT) {
            throw new IllegalStateException("boot GDT: selectors 0x" + Integer.toHexString(code) + "/0x" + Integer.toHexString(data));
        }
        gdt.writeTo(image, GDT);
        return bytes;
    }
}
