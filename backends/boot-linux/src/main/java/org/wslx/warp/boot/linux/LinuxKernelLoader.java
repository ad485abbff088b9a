package org.wslx.warp.boot.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.wslx.warp.boot.BootException;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.boot.EntryState;
import org.wslx.warp.boot.GuestLayout;
import org.wslx.warp.boot.GuestMemoryTarget;
import org.wslx.warp.boot.MemoryRange;
import org.wslx.warp.vmm.elf.Elf64Image;
import org.wslx.warp.vmm.elf.Elf64Reader;
import org.wslx.warp.vmm.elf.ElfFormatException;
import org.wslx.warp.vmm.elf.ElfSegment;
import org.wslx.warp.vmm.x86.BootTables;
import org.wslx.warp.vmm.x86.LongModeSregs;

/**
 * Puts a Linux kernel into guest memory for the 64-bit boot protocol
 * (integration-contracts/boot/LINUX-BOOT-PROTOCOL.md): a bzImage's protected-mode part at 1 MiB,
 * entered at +0x200, or a vmlinux's load segments, entered at its ELF entry (startup_64's
 * physical address); the zero page at RSI, the command line, the initrds placed as high as the
 * kernel allows, and the identity-mapping page tables and boot GDT. When the backend placed ACPI
 * tables, the zero page points the kernel at their RSDP.
 */
final class LinuxKernelLoader {
    static final long ZERO_PAGE = 0x8000;
    /** The stack below it is free; the kernel switches to its own at once. */
    static final long STACK_TOP = 0x10000;
    static final long COMMAND_LINE = 0x20000;
    static final long BOOT_AREA_END = 0x30000;
    static final long KERNEL_LOAD = 0x100000;
    static final long ENTRY_64_OFFSET = 0x200;
    /** A vmlinux has no header saying how long a command line it takes; x86's COMMAND_LINE_SIZE is 2048. */
    static final int VMLINUX_COMMAND_LINE_SIZE = 2047;
    private static final long PAGE = 4096;
    private static final long FOUR_GIB = 1L << 32;

    private final Path kernel;
    private final GuestMemoryTarget memory;
    private final GuestLayout layout;

    LinuxKernelLoader(Path kernel, GuestMemoryTarget memory, GuestLayout layout) {
        this.kernel = kernel;
        this.memory = memory;
        this.layout = layout;
    }

    /** What was loaded where, before the zero page is written. */
    private record Placed(long entry, long kernelEnd, long initrdLimit, int commandLineSize, ZeroPage zeroPage) {
    }

    EntryState load(BootPayload payload) throws BootException {
        if (layout.ramContaining(BootTables.PML4, BOOT_AREA_END - BootTables.PML4).isEmpty()) {
            throw fail("guest RAM " + layout.ram() + " does not hold the boot area [" + hex(BootTables.PML4) + ", "
                    + hex(BOOT_AREA_END) + ")");
        }
        Placed placed;
        try (FileChannel channel = FileChannel.open(kernel, StandardOpenOption.READ)) {
            ByteBuffer image = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
            placed = ElfKernel.hasMagic(image) ? loadVmlinux(image) : loadBzImage(image);
        } catch (IOException e) {
            throw fail("cannot read it: " + e.getMessage());
        }
        byte[] commandLine = payload.commandLine().getBytes(StandardCharsets.UTF_8);
        if (commandLine.length > placed.commandLineSize()) {
            throw fail("the command line is " + commandLine.length + " bytes; the kernel takes at most " + placed.commandLineSize());
        }
        memory.zero(COMMAND_LINE, placed.commandLineSize() + 1L);
        memory.write(COMMAND_LINE, ByteBuffer.wrap(commandLine));

        ZeroPage zeroPage = placed.zeroPage().loader().commandLine(COMMAND_LINE);
        long initrdSize = InitrdImage.size(payload.initrds());
        if (initrdSize > 0) {
            long at = placeInitrd(initrdSize, placed.kernelEnd(), placed.initrdLimit());
            InitrdImage.write(payload.initrds(), memory, at);
            zeroPage.ramdisk(at, initrdSize);
        }
        List<E820Map.Entry> e820 = E820Map.of(layout);
        if (e820.size() > E820Map.MAX_ENTRIES) {
            throw fail("the guest layout has " + e820.size() + " memory-map entries; the zero page holds " + E820Map.MAX_ENTRIES);
        }
        if (layout.hasAcpi()) {
            zeroPage.acpiRsdp(layout.acpiRsdp());
        }
        memory.write(ZERO_PAGE, zeroPage.e820(e820).bytes());
        memory.write(BootTables.PML4, ByteBuffer.wrap(BootTables.image()));
        return new EntryState(placed.entry(), STACK_TOP, 0, ZERO_PAGE, EntryState.RFLAGS_RESERVED, LongModeSregs.CR0, BootTables.PML4,
                LongModeSregs.CR4, LongModeSregs.EFER, BootTables.GDT, BootTables.GDT_LIMIT, BootTables.CODE_SELECTOR,
                BootTables.DATA_SELECTOR);
    }

    private Placed loadBzImage(ByteBuffer image) throws BootException {
        if (image.limit() < SetupHeader.MINIMUM_LENGTH || !SetupHeader.hasMagic(image)) {
            throw fail("no \"HdrS\" boot protocol signature at offset 0x202, so it is neither a bzImage nor an ELF64 vmlinux");
        }
        SetupHeader header = SetupHeader.parse(image);
        if (!header.supported()) {
            throw fail("boot protocol " + header.protocol() + " is too old; version 2.06 or later is required");
        }
        if (!header.has64BitEntry()) {
            throw fail("the bzImage has no 64-bit entry point (xloadflags bit XLF_KERNEL_64 is clear)");
        }
        long setupBytes = (header.setupSectors() + 1L) * 512;
        if (setupBytes >= image.limit()) {
            throw fail("its setup code (" + header.setupSectors() + " sectors) covers the whole file; there is no protected-mode kernel");
        }
        long protectedMode = image.limit() - setupBytes;
        // The decompressor moves the kernel to the aligned load address (at least pref_address) and
        // needs init_size bytes there; all of it must be RAM, and the initrd must stay above it.
        long alignment = Math.max(header.kernelAlignment(), PAGE);
        long preferred = Integer.toUnsignedLong(image.getInt(0x258));
        long runAt = Math.max(alignUp(KERNEL_LOAD, alignment), preferred);
        long kernelEnd = Math.max(KERNEL_LOAD + protectedMode, runAt + header.initSize());
        requireRam(KERNEL_LOAD, kernelEnd - KERNEL_LOAD, "the kernel (loaded at " + hex(KERNEL_LOAD) + ", decompressed to "
                + hex(runAt) + " with init_size " + hex(header.initSize()) + ")");
        memory.write(KERNEL_LOAD, image.duplicate().position((int) setupBytes));
        long initrdLimit = Integer.toUnsignedLong(image.getInt(ZeroPage.INITRD_ADDR_MAX)) + 1;
        int commandLineSize = (int) Math.min(header.commandLineSize(), BOOT_AREA_END - COMMAND_LINE - 1);
        return new Placed(KERNEL_LOAD + ENTRY_64_OFFSET, kernelEnd, initrdLimit, commandLineSize,
                ZeroPage.fromSetupHeader(image));
    }

    private Placed loadVmlinux(ByteBuffer mapped) throws BootException {
        Elf64Image elf;
        try {
            byte[] bytes = new byte[mapped.limit()];
            mapped.get(0, bytes);
            elf = Elf64Reader.read(String.valueOf(kernel.getFileName()), bytes);
        } catch (ElfFormatException e) {
            throw fail(e.reason()); // the reader names the file by its name; this message by its full path
        }
        for (ElfSegment segment : elf.segments()) {
            if (segment.memorySize() == 0) {
                continue;
            }
            requireRam(segment.physicalAddress(), segment.memorySize(), "segment " + segment.index() + " " + segment.describeRange());
            if (segment.physicalAddress() < BOOT_AREA_END) {
                throw fail("segment " + segment.index() + " " + segment.describeRange()
                        + " overlaps the boot area the loader writes at [0x0, " + hex(BOOT_AREA_END) + ")");
            }
        }
        for (ElfSegment segment : elf.segments()) {
            memory.write(segment.physicalAddress(), elf.fileBytes(segment));
            memory.zero(segment.physicalAddress() + segment.fileSize(), segment.memorySize() - segment.fileSize());
        }
        return new Placed(elf.entryPoint(), elf.highestEnd(), FOUR_GIB, VMLINUX_COMMAND_LINE_SIZE,
                ZeroPage.synthesized(VMLINUX_COMMAND_LINE_SIZE));
    }

    /**
     * As high as possible below the kernel's limit (initrd_addr_max) and 4 GiB, page aligned, and
     * above the kernel, as boot loaders traditionally place it: the kernel then frees it without
     * fragmenting low memory.
     */
    long placeInitrd(long size, long kernelEnd, long limit) throws BootException {
        long ceiling = Math.min(limit, FOUR_GIB);
        List<MemoryRange> ram = layout.ram();
        for (int i = ram.size() - 1; i >= 0; i--) {
            MemoryRange range = ram.get(i);
            long top = Math.min(range.end(), ceiling);
            long at = (top - size) & -PAGE;
            if (top > size && at >= Math.max(range.start(), kernelEnd)) {
                return at;
            }
        }
        throw fail("the initrds (" + size + " bytes) do not fit in RAM between the kernel's end " + hex(kernelEnd)
                + " and its initrd limit " + hex(ceiling) + "; guest RAM is " + ram);
    }

    private void requireRam(long address, long length, String what) throws BootException {
        if (layout.ramContaining(address, length).isEmpty()) {
            throw fail(what + " lies outside guest RAM " + layout.ram() + "; give the machine more memory");
        }
    }

    private BootException fail(String cause) {
        return new BootException("kernel '" + kernel + "': " + cause);
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
