package org.wslx.warp.boot.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The zero page ({@code struct boot_params}, 4 KiB) a kernel entered through the 64-bit boot
 * protocol finds at RSI. Offsets follow the kernel's Documentation/arch/x86/boot.rst and
 * zero-page.rst.
 */
final class ZeroPage {
    static final int SIZE = 4096;
    /** Where the boot loader says the ACPI RSDP is (zero-page.rst: all protocol versions; read since Linux 5.0). */
    static final int ACPI_RSDP_ADDR = 0x070;
    static final int EXT_RAMDISK_IMAGE = 0x0C0;
    static final int EXT_RAMDISK_SIZE = 0x0C4;
    static final int EXT_CMD_LINE_PTR = 0x0C8;
    static final int E820_ENTRIES = 0x1E8;
    static final int SETUP_HEADER = 0x1F1;
    static final int BOOT_FLAG = 0x1FE;
    static final int JUMP = 0x200;
    static final int HEADER_MAGIC = 0x202;
    static final int VERSION = 0x206;
    static final int TYPE_OF_LOADER = 0x210;
    static final int LOADFLAGS = 0x211;
    static final int RAMDISK_IMAGE = 0x218;
    static final int RAMDISK_SIZE = 0x21C;
    static final int CMD_LINE_PTR = 0x228;
    static final int INITRD_ADDR_MAX = 0x22C;
    static final int KERNEL_ALIGNMENT = 0x230;
    static final int CMDLINE_SIZE = 0x238;
    static final int E820_TABLE = 0x2D0;
    static final int E820_ENTRY_SIZE = 20;
    /** "Undefined" boot loader: WARP has no loader ID assigned. */
    static final int LOADER_UNDEFINED = 0xFF;
    static final int LOADED_HIGH = 0x01;

    private final ByteBuffer page = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);

    /**
     * Starts from a bzImage's setup header: bytes 0x1F1 up to 0x202 plus the value of the byte at
     * 0x201 are copied as they are, as the protocol asks of a loader.
     */
    static ZeroPage fromSetupHeader(ByteBuffer image) {
        ZeroPage zp = new ZeroPage();
        int end = JUMP + 2 + Byte.toUnsignedInt(image.get(JUMP + 1));
        end = Math.min(end, Math.min(image.limit(), E820_TABLE));
        byte[] header = new byte[end - SETUP_HEADER];
        image.get(SETUP_HEADER, header);
        zp.page.put(SETUP_HEADER, header);
        return zp;
    }

    /** A vmlinux carries no setup header; the fields a 64-bit entry reads are filled in. */
    static ZeroPage synthesized(int commandLineSize) {
        ZeroPage zp = new ZeroPage();
        zp.page.putShort(BOOT_FLAG, (short) 0xAA55);
        zp.page.putInt(HEADER_MAGIC, SetupHeader.HEADER_MAGIC);
        zp.page.putShort(VERSION, (short) 0x020C);
        zp.page.put(LOADFLAGS, (byte) LOADED_HIGH);
        zp.page.putInt(KERNEL_ALIGNMENT, 0x200000);
        zp.page.putInt(CMDLINE_SIZE, commandLineSize);
        return zp;
    }

    ZeroPage loader() {
        page.put(TYPE_OF_LOADER, (byte) LOADER_UNDEFINED);
        return this;
    }

    ZeroPage commandLine(long address) {
        page.putInt(CMD_LINE_PTR, (int) address);
        page.putInt(EXT_CMD_LINE_PTR, (int) (address >>> 32));
        return this;
    }

    ZeroPage ramdisk(long address, long size) {
        page.putInt(RAMDISK_IMAGE, (int) address);
        page.putInt(RAMDISK_SIZE, (int) size);
        page.putInt(EXT_RAMDISK_IMAGE, (int) (address >>> 32));
        page.putInt(EXT_RAMDISK_SIZE, (int) (size >>> 32));
        return this;
    }

    /** The kernel then uses these tables without scanning the BIOS area for them. */
    ZeroPage acpiRsdp(long address) {
        page.putLong(ACPI_RSDP_ADDR, address);
        return this;
    }

    ZeroPage e820(List<E820Map.Entry> entries) {
        page.put(E820_ENTRIES, (byte) entries.size());
        int at = E820_TABLE;
        for (E820Map.Entry e : entries) {
            page.putLong(at, e.address()).putLong(at + 8, e.size()).putInt(at + 16, e.type());
            at += E820_ENTRY_SIZE;
        }
        return this;
    }

    ByteBuffer bytes() {
        return page.duplicate().clear();
    }
}
