package org.wslx.warp.vmm.elf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Writes small ELF64 x86-64 executables byte by byte, so the reader's tests control every field. */
final class TestElfBuilder {
    record Segment(long address, byte[] bytes, long memorySize, int flags) {
    }

    record Symbol(String name, long value, int type) {
    }

    private final List<Segment> segments = new ArrayList<>();
    private final List<Symbol> symbols = new ArrayList<>();
    private long entry = 0x400000;
    private int machine = Elf64Reader.EM_X86_64;
    private int type = Elf64Reader.ET_EXEC;

    TestElfBuilder segment(long address, byte[] bytes, long memorySize, int flags) {
        segments.add(new Segment(address, bytes, memorySize, flags));
        return this;
    }

    TestElfBuilder symbol(String name, long value, int type) {
        symbols.add(new Symbol(name, value, type));
        return this;
    }

    TestElfBuilder entry(long address) {
        entry = address;
        return this;
    }

    TestElfBuilder machine(int value) {
        machine = value;
        return this;
    }

    TestElfBuilder type(int value) {
        type = value;
        return this;
    }

    byte[] build() {
        // Layout: header, program headers, segment bytes, string table, symbol table, section headers.
        int phoff = Elf64Reader.EHDR_SIZE;
        int offset = phoff + segments.size() * Elf64Reader.PHDR_SIZE;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long[] segmentOffsets = new long[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            segmentOffsets[i] = offset + body.size();
            body.writeBytes(segments.get(i).bytes());
        }
        ByteArrayOutputStream strtab = new ByteArrayOutputStream();
        strtab.write(0);
        ByteBuffer symtab = le(Elf64Reader.SYM_SIZE * (symbols.size() + 1));
        symtab.position(Elf64Reader.SYM_SIZE);
        for (Symbol symbol : symbols) {
            symtab.putInt(strtab.size()).put((byte) (0x10 | symbol.type())).put((byte) 0).putShort((short) 1)
                    .putLong(symbol.value()).putLong(8);
            strtab.writeBytes(symbol.name().getBytes(StandardCharsets.UTF_8));
            strtab.write(0);
        }
        long strOffset = offset + body.size();
        body.writeBytes(strtab.toByteArray());
        long symOffset = offset + body.size();
        body.writeBytes(symtab.array());
        long shoff = offset + body.size();

        ByteBuffer out = le((int) shoff + 3 * Elf64Reader.SHDR_SIZE);
        out.put(new byte[] { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0 });
        out.position(16);
        out.putShort((short) type).putShort((short) machine).putInt(1).putLong(entry).putLong(phoff).putLong(shoff)
                .putInt(0).putShort((short) Elf64Reader.EHDR_SIZE).putShort((short) Elf64Reader.PHDR_SIZE)
                .putShort((short) segments.size()).putShort((short) Elf64Reader.SHDR_SIZE).putShort((short) 3)
                .putShort((short) 0);
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            out.putInt(Elf64Reader.PT_LOAD).putInt(s.flags()).putLong(segmentOffsets[i]).putLong(s.address())
                    .putLong(s.address()).putLong(s.bytes().length).putLong(s.memorySize()).putLong(0x1000);
        }
        out.put(body.toByteArray());
        out.position((int) shoff + Elf64Reader.SHDR_SIZE); // section 0 stays the null section
        sectionHeader(out, 3, strOffset, strtab.size(), 0);
        sectionHeader(out, Elf64Reader.SHT_SYMTAB, symOffset, symtab.capacity(), 1);
        return out.array();
    }

    private static void sectionHeader(ByteBuffer out, int type, long offset, long size, int link) {
        out.putInt(0).putInt(type).putLong(0).putLong(0).putLong(offset).putLong(size).putInt(link).putInt(0)
                .putLong(8).putLong(type == Elf64Reader.SHT_SYMTAB ? Elf64Reader.SYM_SIZE : 0);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
