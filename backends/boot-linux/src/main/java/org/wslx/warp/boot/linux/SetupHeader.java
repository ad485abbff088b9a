package org.wslx.warp.boot.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The x86 Linux boot protocol's real-mode setup header, read from the start of a bzImage.
 * Offsets and field meanings follow the kernel's Documentation/arch/x86/boot.rst.
 */
record SetupHeader(int protocolMajor, int protocolMinor, int setupSectors, int loadFlags, int xloadFlags,
        boolean relocatable, long kernelAlignment, long initSize, long commandLineSize, String kernelVersion) {

    static final int HEADER_MAGIC_OFFSET = 0x202;
    static final int HEADER_MAGIC = 0x53726448; // "HdrS" read little-endian
    /** The oldest protocol whose header carries everything a direct-booting VMM relies on (cmdline_size). */
    static final int OLDEST_SUPPORTED = 0x0206;
    /** Enough of the file to cover every header field this class reads (init_size ends at 0x264). */
    static final int MINIMUM_LENGTH = 0x264;

    private static final int SETUP_SECTS = 0x1F1;
    private static final int BOOT_FLAG = 0x1FE;
    private static final int VERSION = 0x206;
    private static final int KERNEL_VERSION_POINTER = 0x20E;
    private static final int LOADFLAGS = 0x211;
    private static final int KERNEL_ALIGNMENT = 0x230;
    private static final int RELOCATABLE_KERNEL = 0x234;
    private static final int XLOADFLAGS = 0x236;
    private static final int CMDLINE_SIZE = 0x238;
    private static final int INIT_SIZE = 0x260;

    private static final int LOADED_HIGH = 0x01;
    private static final int XLF_KERNEL_64 = 0x01;
    private static final int XLF_CAN_BE_LOADED_ABOVE_4G = 0x02;
    private static final int XLF_EFI_HANDOVER_64 = 0x08;

    static boolean hasMagic(ByteBuffer image) {
        return image.limit() >= HEADER_MAGIC_OFFSET + 4
                && image.order(ByteOrder.LITTLE_ENDIAN).getInt(HEADER_MAGIC_OFFSET) == HEADER_MAGIC;
    }

    /**
     * Parses the header; the caller has checked {@link #hasMagic} and {@link #MINIMUM_LENGTH}. Fields
     * added after the file's protocol version read as zero, as the protocol specifies.
     */
    static SetupHeader parse(ByteBuffer image) {
        ByteBuffer b = image.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int version = Short.toUnsignedInt(b.getShort(VERSION));
        int setupSects = Byte.toUnsignedInt(b.get(SETUP_SECTS));
        // A zero here means four sectors, a convention kept from the earliest kernels.
        int effectiveSetupSects = setupSects == 0 ? 4 : setupSects;
        boolean atLeast212 = version >= 0x020C;
        boolean atLeast210 = version >= 0x020A;
        return new SetupHeader(version >> 8, version & 0xFF, effectiveSetupSects,
                Byte.toUnsignedInt(b.get(LOADFLAGS)),
                atLeast212 ? Short.toUnsignedInt(b.getShort(XLOADFLAGS)) : 0,
                b.get(RELOCATABLE_KERNEL) != 0,
                Integer.toUnsignedLong(b.getInt(KERNEL_ALIGNMENT)),
                atLeast210 ? Integer.toUnsignedLong(b.getInt(INIT_SIZE)) : 0,
                Integer.toUnsignedLong(b.getInt(CMDLINE_SIZE)),
                readKernelVersion(b));
    }

    /** The boot sector's 0xAA55 signature; old loaders insist on it, so its absence is worth showing. */
    static boolean hasBootFlag(ByteBuffer image) {
        return Short.toUnsignedInt(image.duplicate().order(ByteOrder.LITTLE_ENDIAN).getShort(BOOT_FLAG)) == 0xAA55;
    }

    private static String readKernelVersion(ByteBuffer b) {
        int pointer = Short.toUnsignedInt(b.getShort(KERNEL_VERSION_POINTER));
        if (pointer == 0) {
            return "";
        }
        // The pointer is relative to the start of the setup code, which follows the 0x200-byte boot sector.
        int start = pointer + 0x200;
        int end = start;
        while (end < b.limit() && end - start < 256 && b.get(end) != 0) {
            end++;
        }
        if (start >= b.limit()) {
            return "";
        }
        byte[] text = new byte[end - start];
        b.get(start, text);
        return new String(text, StandardCharsets.US_ASCII).trim();
    }

    boolean supported() {
        return (protocolMajor << 8 | protocolMinor) >= OLDEST_SUPPORTED;
    }

    String protocol() {
        return protocolMajor + "." + String.format("%02d", protocolMinor);
    }

    boolean has64BitEntry() {
        return (xloadFlags & XLF_KERNEL_64) != 0;
    }

    Map<String, String> details() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("protocol", protocol());
        details.put("setup sectors", Integer.toString(setupSectors));
        details.put("loaded high", Boolean.toString((loadFlags & LOADED_HIGH) != 0));
        details.put("relocatable", Boolean.toString(relocatable));
        details.put("kernel alignment", "0x" + Long.toHexString(kernelAlignment));
        details.put("64-bit entry", Boolean.toString(has64BitEntry()));
        details.put("loadable above 4 GiB", Boolean.toString((xloadFlags & XLF_CAN_BE_LOADED_ABOVE_4G) != 0));
        details.put("EFI handover (64-bit)", Boolean.toString((xloadFlags & XLF_EFI_HANDOVER_64) != 0));
        details.put("init size", Long.toString(initSize));
        details.put("command line limit", Long.toString(commandLineSize));
        return details;
    }
}
