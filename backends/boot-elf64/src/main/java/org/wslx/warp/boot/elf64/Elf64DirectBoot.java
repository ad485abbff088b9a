package org.wslx.warp.boot.elf64;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Component;
import org.wslx.warp.boot.BootException;
import org.wslx.warp.boot.BootMethod;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.boot.EntryState;
import org.wslx.warp.boot.GuestLayout;
import org.wslx.warp.boot.GuestMemoryTarget;
import org.wslx.warp.boot.KernelDescription;
import org.wslx.warp.boot.MemoryLoadingBootMethod;
import org.wslx.warp.vmm.elf.Elf64Image;
import org.wslx.warp.vmm.elf.Elf64Reader;
import org.wslx.warp.vmm.elf.ElfFormatException;
import org.wslx.warp.vmm.elf.ElfSegment;
import org.wslx.warp.vmm.x86.BootTables;
import org.wslx.warp.vmm.x86.LongModeSregs;

/**
 * Boot method {@code elf64}: an ELF64 x86-64 kernel entered directly in long mode, with RBX and
 * RSI pointing at a PVH {@code hvm_start_info} (integration-contracts/boot/ELF64-DIRECT-BOOT.md).
 * The same file boots on QEMU through its PVH note; this method is for monitors that load guest
 * memory themselves.
 */
@Component(service = {BootMethod.class, MemoryLoadingBootMethod.class},
        property = BootMethod.SERVICE_NAME_PROPERTY + "=" + Elf64DirectBoot.NAME)
public class Elf64DirectBoot implements MemoryLoadingBootMethod {
    static final String NAME = "elf64";
    /** The command line, NUL-terminated, fills at most [0x8000, 0x10000). */
    static final long COMMAND_LINE = 0x8000;
    static final int COMMAND_LINE_MAX = 0x8000;
    /** Everything the monitor writes below this; load segments must stay clear of it. */
    static final long BOOT_AREA_END = COMMAND_LINE + COMMAND_LINE_MAX;
    static final long PAGE = 4096;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public KernelDescription inspect(Path kernel) throws BootException {
        Elf64Image image = read(kernel);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("entry", hex(image.entryPoint()));
        details.put("load segments", image.segments().stream().map(ElfSegment::describeRange).collect(Collectors.joining(", ")));
        details.put("image end", hex(image.highestEnd()));
        return new KernelDescription(NAME, "ELF64", "", details);
    }

    @Override
    public EntryState load(BootPayload payload, GuestMemoryTarget memory, GuestLayout layout) throws BootException {
        Path kernel = payload.kernel();
        Elf64Image image = read(kernel);
        checkPlacement(kernel, image, layout);
        byte[] commandLine = payload.commandLine().getBytes(StandardCharsets.UTF_8);
        if (commandLine.length >= COMMAND_LINE_MAX) {
            throw new BootException("kernel '" + kernel + "': the command line is " + commandLine.length
                    + " bytes; this boot method passes at most " + (COMMAND_LINE_MAX - 1));
        }
        List<PvhStartInfo.Entry> memmap = PvhStartInfo.memoryMap(layout);
        if (memmap.size() > PvhStartInfo.MAX_MEMMAP_ENTRIES) {
            throw new BootException("kernel '" + kernel + "': the guest layout has " + memmap.size()
                    + " memory-map entries; at most " + PvhStartInfo.MAX_MEMMAP_ENTRIES + " fit");
        }
        long moduleStart = alignUp(image.highestEnd(), PAGE);
        long moduleSize = totalSize(payload.initrds());
        if (moduleSize > 0 && layout.ramContaining(moduleStart, moduleSize).isEmpty()) {
            throw new BootException("kernel '" + kernel + "': the initrds (" + moduleSize + " bytes) do not fit in RAM at "
                    + hex(moduleStart) + " after the kernel image; guest RAM is " + layout.ram());
        }

        for (ElfSegment segment : image.segments()) {
            memory.write(segment.physicalAddress(), image.fileBytes(segment));
            memory.zero(segment.physicalAddress() + segment.fileSize(), segment.memorySize() - segment.fileSize());
        }
        writeFiles(kernel, payload.initrds(), memory, moduleStart);
        memory.write(BootTables.PML4, ByteBuffer.wrap(BootTables.image()));
        memory.zero(COMMAND_LINE, COMMAND_LINE_MAX);
        memory.write(COMMAND_LINE, ByteBuffer.wrap(commandLine));
        int modules = moduleSize > 0 ? 1 : 0;
        memory.write(PvhStartInfo.START_INFO, PvhStartInfo.startInfo(COMMAND_LINE, modules, memmap.size()));
        if (modules > 0) {
            memory.write(PvhStartInfo.MODLIST, PvhStartInfo.module(moduleStart, moduleSize));
        }
        memory.write(PvhStartInfo.MEMMAP, PvhStartInfo.memmap(memmap));
        return new EntryState(image.entryPoint(), 0, PvhStartInfo.START_INFO, PvhStartInfo.START_INFO, EntryState.RFLAGS_RESERVED,
                LongModeSregs.CR0, BootTables.PML4, LongModeSregs.CR4, LongModeSregs.EFER, BootTables.GDT, BootTables.GDT_LIMIT,
                BootTables.CODE_SELECTOR, BootTables.DATA_SELECTOR);
    }

    private static Elf64Image read(Path kernel) throws BootException {
        if (!Files.isRegularFile(kernel)) {
            throw new BootException("kernel '" + kernel + "': file does not exist or is not a regular file");
        }
        try {
            return Elf64Reader.read(kernel);
        } catch (ElfFormatException e) {
            // The reader names the image by file name; the boot message names the full path once.
            throw new BootException("kernel '" + kernel + "': " + e.reason(), e);
        } catch (IOException e) {
            throw new BootException("kernel '" + kernel + "': cannot read it: " + e.getMessage(), e);
        }
    }

    private static void checkPlacement(Path kernel, Elf64Image image, GuestLayout layout) throws BootException {
        if (layout.ramContaining(BootTables.PML4, BOOT_AREA_END - BootTables.PML4).isEmpty()) {
            throw new BootException("kernel '" + kernel + "': guest RAM " + layout.ram() + " does not hold the boot tables at ["
                    + hex(BootTables.PML4) + ", " + hex(BOOT_AREA_END) + ")");
        }
        boolean entryInside = false;
        for (ElfSegment segment : image.segments()) {
            if (segment.memorySize() == 0) {
                continue;
            }
            if (layout.ramContaining(segment.physicalAddress(), segment.memorySize()).isEmpty()) {
                throw new BootException("kernel '" + kernel + "': segment " + segment.index() + " " + segment.describeRange()
                        + " lies outside guest RAM " + layout.ram());
            }
            if (segment.physicalAddress() < BOOT_AREA_END) {
                throw new BootException("kernel '" + kernel + "': segment " + segment.index() + " " + segment.describeRange()
                        + " overlaps the boot tables the monitor writes at [0x0, " + hex(BOOT_AREA_END) + ")");
            }
            entryInside |= segment.executable() && image.entryPoint() >= segment.physicalAddress()
                    && image.entryPoint() < segment.physicalAddress() + segment.fileSize();
        }
        if (!entryInside) {
            throw new BootException("kernel '" + kernel + "': entry point " + hex(image.entryPoint())
                    + " is not inside an executable load segment (it is entered at its physical address)");
        }
    }

    private static long totalSize(List<Path> files) throws BootException {
        long total = 0;
        for (Path file : files) {
            try {
                total += Files.size(file);
            } catch (IOException e) {
                throw new BootException("initrd '" + file + "': cannot read it: " + e.getMessage(), e);
            }
        }
        return total;
    }

    /** Maps each file and copies it in one go; the boot module is the files back to back. */
    private static void writeFiles(Path kernel, List<Path> files, GuestMemoryTarget memory, long address) throws BootException {
        for (Path file : files) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = channel.size();
                if (size > 0) {
                    memory.write(address, channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
                }
                address += size;
            } catch (IOException e) {
                throw new BootException("kernel '" + kernel + "': cannot read initrd '" + file + "': " + e.getMessage(), e);
            }
        }
    }

    static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
