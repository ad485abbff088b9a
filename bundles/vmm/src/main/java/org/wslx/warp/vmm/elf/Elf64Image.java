package org.wslx.warp.vmm.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A validated ELF64 x86-64 executable: its load segments (non-overlapping, contained in the file), its
 * entry point and its symbol table. Immutable; the file's bytes are kept so segments can be copied out.
 */
@ProviderType
public final class Elf64Image {
    private final String name;
    private final byte[] data;
    private final long entryPoint;
    private final List<ElfSegment> segments;
    private final Map<String, ElfSymbol> symbols;

    Elf64Image(String name, byte[] data, long entryPoint, List<ElfSegment> segments, Map<String, ElfSymbol> symbols) {
        this.name = name;
        this.data = data;
        this.entryPoint = entryPoint;
        this.segments = List.copyOf(segments);
        this.symbols = Map.copyOf(symbols);
    }

    /** The name the image was read under (usually its file name), used in every message about it. */
    public String name() {
        return name;
    }

    /** {@code e_entry} as written in the file. */
    public long entryPoint() {
        return entryPoint;
    }

    /** The {@code PT_LOAD} segments, in program-header order. */
    public List<ElfSegment> segments() {
        return segments;
    }

    /** The symbol of that name from {@code .symtab}; empty when absent or when the image is stripped. */
    public Optional<ElfSymbol> symbol(String symbolName) {
        return Optional.ofNullable(symbols.get(symbolName));
    }

    /** Every named symbol in {@code .symtab}. */
    public Collection<ElfSymbol> symbols() {
        return symbols.values();
    }

    /** The segment's bytes from the file ({@code fileSize} of them), as a read-only little-endian view. */
    public ByteBuffer fileBytes(ElfSegment segment) {
        return ByteBuffer.wrap(data, (int) segment.fileOffset(), (int) segment.fileSize()).slice()
                .order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer();
    }

    /** Lowest physical address any segment occupies. */
    public long lowestAddress() {
        return segments.stream().mapToLong(ElfSegment::physicalAddress).min().orElse(0);
    }

    /** Exclusive end of the highest segment in physical memory. */
    public long highestEnd() {
        return segments.stream().mapToLong(ElfSegment::physicalEnd).max().orElse(0);
    }

    /**
     * Checks that every segment lies inside guest memory {@code [start, end)}.
     *
     * @throws ElfFormatException naming the first segment that does not
     */
    public void requireWithin(long start, long end) throws ElfFormatException {
        for (ElfSegment segment : segments) {
            if (Long.compareUnsigned(segment.physicalAddress(), start) < 0
                    || Long.compareUnsigned(segment.physicalEnd(), end) > 0) {
                throw new ElfFormatException(name, "guest image '" + name + "': segment " + segment.index() + " "
                        + segment.describeRange() + " lies outside guest memory [0x" + Long.toHexString(start)
                        + ", 0x" + Long.toHexString(end) + ")");
            }
        }
    }

    @Override
    public String toString() {
        return "ELF64 image '" + name + "' (" + segments.size() + " segments, entry 0x" + Long.toHexString(entryPoint)
                + ")";
    }
}
