package org.wslx.warp.vmm.elf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ELF64 little-endian x86-64 {@code ET_EXEC} file and checks everything a loader relies on:
 * header fields, program and section tables inside the file, load segments inside the file and not
 * overlapping each other. Every offset read from the file is checked before use, so a hostile file
 * gives an {@link ElfFormatException} and never an index error.
 */
public final class Elf64Reader {
    static final int EHDR_SIZE = 64;
    static final int PHDR_SIZE = 56;
    static final int SHDR_SIZE = 64;
    static final int SYM_SIZE = 24;
    static final int ET_EXEC = 2;
    static final int EM_X86_64 = 62;
    static final int PT_LOAD = 1;
    static final int SHT_SYMTAB = 2;
    private static final int MAX_FILE = Integer.MAX_VALUE - 8;

    private final String name;
    private final byte[] data;
    private final ByteBuffer buffer;

    private Elf64Reader(String name, byte[] data) {
        this.name = name;
        this.data = data;
        this.buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads the file; the image is named after the file's name in messages. */
    public static Elf64Image read(Path file) throws IOException, ElfFormatException {
        String fileName = String.valueOf(file.getFileName());
        long size = Files.size(file);
        if (size > MAX_FILE) {
            throw new ElfFormatException(fileName, "guest image '" + fileName + "': " + size + " bytes is too large to load");
        }
        return read(fileName, Files.readAllBytes(file));
    }

    /** Parses bytes already in memory; {@code name} is used in messages. The array is kept, not copied. */
    public static Elf64Image read(String name, byte[] data) throws ElfFormatException {
        return new Elf64Reader(name, data).parse();
    }

    private Elf64Image parse() throws ElfFormatException {
        checkIdent();
        int type = u16(16);
        if (type != ET_EXEC) {
            throw fail("is of ELF type " + type + ", not an executable (ET_EXEC = 2)");
        }
        int machine = u16(18);
        if (machine != EM_X86_64) {
            throw fail("is built for machine " + machine + ", not x86-64 (EM_X86_64 = 62)");
        }
        long entry = buffer.getLong(24);
        List<ElfSegment> segments = readSegments(buffer.getLong(32), u16(54), u16(56));
        checkNoOverlap(segments);
        Map<String, ElfSymbol> symbols = readSymbols(buffer.getLong(40), u16(58), u16(60));
        return new Elf64Image(name, data, entry, segments, symbols);
    }

    private void checkIdent() throws ElfFormatException {
        if (data.length < 4 || data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F') {
            throw fail("is not an ELF file (no \\x7fELF magic)");
        }
        if (data.length < 5) {
            throw truncated("the ELF identification");
        }
        if (data[4] != 2) {
            throw fail("is not ELF64 (class " + data[4] + (data[4] == 1 ? ", ELF32" : "") + ")");
        }
        if (data.length < EHDR_SIZE) {
            throw truncated("the ELF header (" + data.length + " of " + EHDR_SIZE + " bytes)");
        }
        if (data[5] != 1) {
            throw fail("is not little-endian (data encoding " + data[5] + ")");
        }
        if (data[6] != 1) {
            throw fail("has ELF version " + data[6] + ", not 1");
        }
    }

    private List<ElfSegment> readSegments(long phoff, int entrySize, int count) throws ElfFormatException {
        if (count == 0) {
            throw fail("has no program headers, so nothing to load");
        }
        if (entrySize != PHDR_SIZE) {
            throw fail("has program headers of " + entrySize + " bytes, not " + PHDR_SIZE);
        }
        requireInFile(phoff, (long) count * PHDR_SIZE, "the program header table");
        List<ElfSegment> segments = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = (int) phoff + i * PHDR_SIZE;
            if (buffer.getInt(at) != PT_LOAD) {
                continue;
            }
            ElfSegment segment = new ElfSegment(i, buffer.getLong(at + 16), buffer.getLong(at + 24),
                    buffer.getLong(at + 8), buffer.getLong(at + 32), buffer.getLong(at + 40), buffer.getInt(at + 4));
            if (Long.compareUnsigned(segment.fileSize(), segment.memorySize()) > 0) {
                throw fail("segment " + i + " has more file bytes (" + segment.fileSize() + ") than memory bytes ("
                        + segment.memorySize() + ")");
            }
            if (Long.compareUnsigned(segment.physicalEnd(), segment.physicalAddress()) < 0
                    || Long.compareUnsigned(segment.virtualEnd(), segment.virtualAddress()) < 0) {
                throw fail("segment " + i + " wraps around the end of the address space");
            }
            requireInFile(segment.fileOffset(), segment.fileSize(), "segment " + i);
            segments.add(segment);
        }
        if (segments.isEmpty()) {
            throw fail("has no PT_LOAD segments, so nothing to load");
        }
        return segments;
    }

    private void checkNoOverlap(List<ElfSegment> segments) throws ElfFormatException {
        List<ElfSegment> sorted = new ArrayList<>(segments);
        sorted.removeIf(s -> s.memorySize() == 0);
        sorted.sort(Comparator.comparingLong(ElfSegment::physicalAddress));
        for (int i = 1; i < sorted.size(); i++) {
            ElfSegment previous = sorted.get(i - 1);
            ElfSegment current = sorted.get(i);
            if (Long.compareUnsigned(current.physicalAddress(), previous.physicalEnd()) < 0) {
                ElfSegment later = current.index() > previous.index() ? current : previous;
                ElfSegment earlier = later == current ? previous : current;
                throw fail("segment " + later.index() + " " + later.describeRange() + " overlaps segment "
                        + earlier.index() + " " + earlier.describeRange());
            }
        }
    }

    private Map<String, ElfSymbol> readSymbols(long shoff, int entrySize, int count) throws ElfFormatException {
        Map<String, ElfSymbol> symbols = new HashMap<>();
        if (shoff == 0 || count == 0) {
            return symbols;
        }
        if (entrySize != SHDR_SIZE) {
            throw fail("has section headers of " + entrySize + " bytes, not " + SHDR_SIZE);
        }
        requireInFile(shoff, (long) count * SHDR_SIZE, "the section header table");
        for (int i = 0; i < count; i++) {
            int at = (int) shoff + i * SHDR_SIZE;
            if (buffer.getInt(at + 4) != SHT_SYMTAB) {
                continue;
            }
            int link = buffer.getInt(at + 40);
            if (link <= 0 || link >= count) {
                throw fail("symbol table (section " + i + ") links to string table " + link + ", which does not exist");
            }
            int strAt = (int) shoff + link * SHDR_SIZE;
            long strOffset = buffer.getLong(strAt + 24);
            long strSize = buffer.getLong(strAt + 32);
            requireInFile(strOffset, strSize, "the symbol string table (section " + link + ")");
            long symOffset = buffer.getLong(at + 24);
            long symSize = buffer.getLong(at + 32);
            requireInFile(symOffset, symSize, "the symbol table (section " + i + ")");
            for (long s = 0; s + SYM_SIZE <= symSize; s += SYM_SIZE) {
                int sym = (int) (symOffset + s);
                String symbolName = string(strOffset, strSize, Integer.toUnsignedLong(buffer.getInt(sym)));
                if (symbolName.isEmpty()) {
                    continue;
                }
                int info = data[sym + 4] & 0xff;
                ElfSymbol symbol = new ElfSymbol(symbolName, buffer.getLong(sym + 8), buffer.getLong(sym + 16),
                        info & 0xf, info >> 4);
                // A global definition wins over a local one of the same name.
                symbols.merge(symbolName, symbol, (old, neu) -> neu.binding() != 0 && old.binding() == 0 ? neu : old);
            }
        }
        return symbols;
    }

    private String string(long tableOffset, long tableSize, long index) throws ElfFormatException {
        if (index >= tableSize) {
            throw fail("has a symbol name at " + index + " outside its string table (" + tableSize + " bytes)");
        }
        int start = (int) (tableOffset + index);
        int end = start;
        int limit = (int) (tableOffset + tableSize);
        while (end < limit && data[end] != 0) {
            end++;
        }
        if (end == limit) {
            throw fail("has a symbol name at " + index + " that runs off the end of its string table");
        }
        return new String(data, start, end - start, StandardCharsets.UTF_8);
    }

    private void requireInFile(long offset, long length, String what) throws ElfFormatException {
        if (offset < 0 || length < 0 || offset > data.length || length > data.length - offset) {
            throw truncated(what + " (bytes [" + Long.toUnsignedString(offset) + ", +" + Long.toUnsignedString(length)
                    + ") of a " + data.length + "-byte file)");
        }
    }

    private int u16(int at) {
        return Short.toUnsignedInt(buffer.getShort(at));
    }

    private ElfFormatException truncated(String what) {
        return fail("is truncated: it ends before " + what);
    }

    private ElfFormatException fail(String cause) {
        return new ElfFormatException(name, "guest image '" + name + "' " + cause);
    }
}
