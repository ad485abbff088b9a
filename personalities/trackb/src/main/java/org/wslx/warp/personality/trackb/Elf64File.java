package org.wslx.warp.personality.trackb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an ELF64 little-endian x86-64 file the host checks: the file header, program
 * headers and section headers, each bounds-checked against the file before use.
 */
final class Elf64File {
    static final int ET_EXEC = 2;
    static final int EM_X86_64 = 62;
    static final int PT_LOAD = 1;
    static final int PT_NOTE = 4;
    static final int SHT_NOTE = 7;
    static final int PF_X = 1;
    private static final int EHDR_BYTES = 64;
    private static final int PHDR_BYTES = 56;
    private static final int SHDR_BYTES = 64;

    record Segment(int type, int flags, long offset, long vaddr, long paddr, long fileBytes, long memoryBytes, long align) {
    }

    /** A stretch of the file holding notes, with the alignment its entries use. */
    record NoteArea(long offset, long size, long align) {
    }

    private final ByteBuffer file;
    private final String where;
    private final int type;
    private final long entry;
    private final List<Segment> segments;
    private final List<NoteArea> noteSections;

    private Elf64File(ByteBuffer file, String where) throws ArchiveException {
        this.file = file;
        this.where = where;
        if (file.limit() < EHDR_BYTES || file.getInt(0) != 0x464c457f) {
            throw new ArchiveException(where + " is not an ELF file");
        }
        if (file.get(4) != 2 || file.get(5) != 1) {
            throw new ArchiveException(where + " is not a 64-bit little-endian ELF file");
        }
        if (Short.toUnsignedInt(file.getShort(18)) != EM_X86_64) {
            throw new ArchiveException(where + " is not for x86-64 (machine " + Short.toUnsignedInt(file.getShort(18)) + ")");
        }
        type = Short.toUnsignedInt(file.getShort(16));
        entry = file.getLong(24);
        segments = readSegments();
        noteSections = readNoteSections();
    }

    static Elf64File parse(byte[] bytes, String where) throws ArchiveException {
        return new Elf64File(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), where);
    }

    int type() {
        return type;
    }

    long entry() {
        return entry;
    }

    List<Segment> segments() {
        return segments;
    }

    /** Note areas from PT_NOTE segments and SHT_NOTE sections (a linker may emit either). */
    List<NoteArea> noteAreas() {
        List<NoteArea> areas = new ArrayList<>();
        for (Segment s : segments) {
            if (s.type() == PT_NOTE) {
                areas.add(new NoteArea(s.offset(), s.fileBytes(), s.align()));
            }
        }
        areas.addAll(noteSections);
        return areas;
    }

    ByteBuffer bytes() {
        return file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    private List<Segment> readSegments() throws ArchiveException {
        long offset = file.getLong(32);
        int size = Short.toUnsignedInt(file.getShort(54));
        int count = Short.toUnsignedInt(file.getShort(56));
        if (count == 0) {
            return List.of();
        }
        if (size != PHDR_BYTES || !inside(offset, (long) size * count)) {
            throw new ArchiveException(where + ": its program header table [" + offset + ", +" + (long) size * count
                    + ") lies outside the file or has entries of " + size + " bytes");
        }
        List<Segment> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = (int) (offset + (long) i * size);
            Segment s = new Segment(file.getInt(at), file.getInt(at + 4), file.getLong(at + 8), file.getLong(at + 16),
                    file.getLong(at + 24), file.getLong(at + 32), file.getLong(at + 40), file.getLong(at + 48));
            if ((s.type() == PT_LOAD || s.type() == PT_NOTE) && !inside(s.offset(), s.fileBytes())) {
                throw new ArchiveException(where + ": segment " + i + " takes file bytes [" + Long.toUnsignedString(s.offset())
                        + ", +" + Long.toUnsignedString(s.fileBytes()) + ") outside the file's " + file.limit() + " bytes");
            }
            list.add(s);
        }
        return List.copyOf(list);
    }

    private List<NoteArea> readNoteSections() throws ArchiveException {
        long offset = file.getLong(40);
        int size = Short.toUnsignedInt(file.getShort(58));
        int count = Short.toUnsignedInt(file.getShort(60));
        if (count == 0 || offset == 0) {
            return List.of();
        }
        if (size != SHDR_BYTES || !inside(offset, (long) size * count)) {
            throw new ArchiveException(where + ": its section header table lies outside the file");
        }
        List<NoteArea> notes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = (int) (offset + (long) i * size);
            if (file.getInt(at + 4) == SHT_NOTE) {
                long start = file.getLong(at + 24);
                long length = file.getLong(at + 32);
                if (!inside(start, length)) {
                    throw new ArchiveException(where + ": note section " + i + " lies outside the file");
                }
                notes.add(new NoteArea(start, length, file.getLong(at + 48)));
            }
        }
        return notes;
    }

    private boolean inside(long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= file.limit() && length <= file.limit() - offset;
    }
}
