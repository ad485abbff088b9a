package org.wslx.warp.sandbox.kvm.layout;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.wslx.warp.vmm.elf.Elf64Image;
import org.wslx.warp.vmm.elf.ElfFormatException;
import org.wslx.warp.vmm.elf.ElfSegment;
import org.wslx.warp.vmm.elf.ElfSymbol;

/**
 * Lays a checked ELF64 guest image out in a sandbox's memory: the system tables, fault stubs, page
 * tables that map each region with its own permissions, and the image's segments.
 */
public final class MachineImageBuilder {
    /** Symbols with this prefix are the image's callable functions. */
    public static final String FUNCTION_PREFIX = "warp_fn_";
    public static final String ENTRY_SYMBOL = "warp_entry";

    private MachineImageBuilder() {
    }

    /**
     * @throws ElfFormatException if the image does not fit between {@link SandboxLayout#IMAGE_BASE} and
     *                            the stack, or lacks the runtime's entry stub or any function
     */
    public static MachineImage build(Elf64Image image, SandboxLayout layout) throws ElfFormatException {
        image.requireWithin(layout.imageBase(), layout.imageLimit());
        ElfSymbol entry = image.symbol(ENTRY_SYMBOL).orElseThrow(() -> new ElfFormatException("guest image '"
                + image.name() + "' has no '" + ENTRY_SYMBOL + "' symbol: it was not linked with the sandbox runtime"));
        if (entry.value() != image.entryPoint()) {
            throw new ElfFormatException("guest image '" + image.name() + "' enters at 0x"
                    + Long.toHexString(image.entryPoint()) + ", not at " + ENTRY_SYMBOL + " (0x"
                    + Long.toHexString(entry.value()) + ")");
        }
        Map<String, Long> functions = new TreeMap<>();
        for (ElfSymbol symbol : image.symbols()) {
            // A '.' cannot be in a C name: gcc's split-off parts (warp_fn_x.cold, .part.0, .isra.0)
            // are pieces of a function, not entry points a caller may name.
            if (symbol.isFunction() && symbol.name().startsWith(FUNCTION_PREFIX)
                    && symbol.name().length() > FUNCTION_PREFIX.length() && symbol.name().indexOf('.') < 0) {
                functions.put(symbol.name().substring(FUNCTION_PREFIX.length()), symbol.value());
            }
        }
        if (functions.isEmpty()) {
            throw new ElfFormatException("guest image '" + image.name() + "' defines no functions (no " + FUNCTION_PREFIX
                    + "* symbols; declare them with WARP_FUNCTION)");
        }
        for (ElfSegment segment : image.segments()) {
            if (segment.virtualAddress() != segment.physicalAddress()) {
                throw new ElfFormatException("guest image '" + image.name() + "': segment " + segment.index()
                        + " is linked at 0x" + Long.toHexString(segment.virtualAddress()) + " but loads at 0x"
                        + Long.toHexString(segment.physicalAddress()) + "; sandboxes are identity-mapped");
            }
        }
        PageTableBuilder tables = new PageTableBuilder(SandboxLayout.PAGE_TABLES, layout.memoryBytes());
        long tablesEnd = SandboxLayout.PAGE_TABLES + (long) layout.pageTablePages() * SandboxLayout.PAGE;
        tables.map(SandboxLayout.GDT, SandboxLayout.GDT + SandboxLayout.PAGE, PagePermissions.SUPERVISOR_READ_WRITE)
                .map(SandboxLayout.FAULT_STUBS, SandboxLayout.FAULT_STUBS + SandboxLayout.PAGE,
                        PagePermissions.SUPERVISOR_EXECUTE)
                .map(SandboxLayout.FAULT_STACK_TOP - SandboxLayout.PAGE, SandboxLayout.FAULT_STACK_TOP,
                        PagePermissions.SUPERVISOR_READ_WRITE)
                .map(SandboxLayout.PAGE_TABLES, tablesEnd, PagePermissions.SUPERVISOR_READ_WRITE)
                .map(layout.stackBottom(), layout.stackTop(), PagePermissions.USER_READ_WRITE)
                .map(layout.inputBase(), layout.inputBase() + layout.inputCapacity(), PagePermissions.USER_READ)
                .map(layout.outputBase(), layout.outputBase() + layout.outputCapacity(), PagePermissions.USER_READ_WRITE);

        List<MemoryChunk> chunks = new ArrayList<>();
        chunks.add(new MemoryChunk(SandboxLayout.GDT, SystemTables.systemPage(), "GDT, TSS and IDT"));
        chunks.add(new MemoryChunk(SandboxLayout.FAULT_STUBS, SystemTables.faultStubs(), "fault stubs"));
        long loaded = 0;
        Map<Long, ElfSegment> pageOwners = new TreeMap<>();
        for (ElfSegment segment : image.segments()) {
            if (segment.memorySize() == 0) {
                continue;
            }
            long start = segment.physicalAddress() & ~(SandboxLayout.PAGE - 1);
            long end = (segment.physicalEnd() + SandboxLayout.PAGE - 1) & ~(SandboxLayout.PAGE - 1);
            for (long page = start; page < end; page += SandboxLayout.PAGE) {
                ElfSegment owner = pageOwners.putIfAbsent(page, segment);
                if (owner != null && owner.flags() != segment.flags()) {
                    throw new ElfFormatException("guest image '" + image.name() + "': segment " + segment.index()
                            + " shares page 0x" + Long.toHexString(page) + " with segment " + owner.index()
                            + " but needs other permissions; link with the sandbox's guest.ld");
                }
            }
            tables.map(start, end, PagePermissions.forSegment(segment.writable(), segment.executable()));
            loaded += segment.memorySize();
            if (segment.fileSize() > 0) {
                ByteBuffer bytes = image.fileBytes(segment);
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                chunks.add(new MemoryChunk(segment.physicalAddress(), copy, "segment " + segment.index()));
            }
            // The rest up to memorySize is bss: guest memory starts zeroed.
        }
        chunks.add(1, new MemoryChunk(SandboxLayout.PAGE_TABLES, tables.bytes(), "page tables"));
        return new MachineImage(image.name(), layout, chunks, LongModeEntry.forSandbox(tables.root()), entry.value(),
                functions, loaded);
    }
}
