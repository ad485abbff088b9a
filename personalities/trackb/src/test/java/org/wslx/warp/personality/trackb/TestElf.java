package org.wslx.warp.personality.trackb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds small ELF64 x86-64 files for tests: load segments and WARP notes, laid out one after another. */
final class TestElf {
    private record Load(long vaddr, byte[] data, long memoryBytes, int flags) {
    }

    private int type = Elf64File.ET_EXEC;
    private int machine = Elf64File.EM_X86_64;
    private long entry = AbiExecutable.USER_BOTTOM;
    private final List<Load> loads = new ArrayList<>();
    private final ByteBuffer notes = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);

    static TestElf program() {
        return new TestElf().load(AbiExecutable.USER_BOTTOM, new byte[] {(byte) 0xeb, (byte) 0xfe}, 0x1000, 5);
    }

    /** A kernel ELF with the WARP notes the reference kernel carries. */
    static byte[] kernel(String version, String features) {
        return new TestElf().entry(0x100000).load(0x100000, new byte[16], 0x1000, 5)
                .note("WARP", KernelInfo.NOTE_VERSION, (version + "\0").getBytes(StandardCharsets.UTF_8))
                .note("Xen", 18, new byte[] {0, 0, 0x10, 0})
                .note("WARP", KernelInfo.NOTE_FEATURES, (features + "\0").getBytes(StandardCharsets.UTF_8))
                .build();
    }

    TestElf type(int value) {
        type = value;
        return this;
    }

    TestElf machine(int value) {
        machine = value;
        return this;
    }

    TestElf entry(long value) {
        entry = value;
        return this;
    }

    TestElf load(long vaddr, byte[] data, long memoryBytes, int flags) {
        loads.add(new Load(vaddr, data, memoryBytes, flags));
        return this;
    }

    TestElf note(String name, int noteType, byte[] desc) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        notes.putInt(n.length).putInt(desc.length).putInt(noteType).put(n);
        pad(notes);
        notes.put(desc);
        pad(notes);
        return this;
    }

    private static void pad(ByteBuffer b) {
        while (b.position() % 4 != 0) {
            b.put((byte) 0);
        }
    }

    byte[] build() {
        int phnum = loads.size() + (notes.position() > 0 ? 1 : 0);
        int dataAt = 64 + 56 * phnum;
        int size = dataAt + notes.position() + loads.stream().mapToInt(l -> l.data().length).sum();
        ByteBuffer f = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        f.putInt(0x464c457f).put((byte) 2).put((byte) 1).put((byte) 1);
        f.position(16);
        f.putShort((short) type).putShort((short) machine).putInt(1).putLong(entry).putLong(64).putLong(0)
                .putInt(0).putShort((short) 64).putShort((short) 56).putShort((short) phnum).putShort((short) 64)
                .putShort((short) 0).putShort((short) 0);
        int at = dataAt;
        int ph = 64;
        if (notes.position() > 0) {
            f.position(ph);
            f.putInt(Elf64File.PT_NOTE).putInt(4).putLong(at).putLong(0).putLong(0).putLong(notes.position())
                    .putLong(notes.position()).putLong(4);
            f.put(at, notes.array(), 0, notes.position());
            at += notes.position();
            ph += 56;
        }
        for (Load l : loads) {
            f.position(ph);
            f.putInt(Elf64File.PT_LOAD).putInt(l.flags()).putLong(at).putLong(l.vaddr()).putLong(l.vaddr())
                    .putLong(l.data().length).putLong(l.memoryBytes()).putLong(0x1000);
            f.put(at, l.data());
            at += l.data().length;
            ph += 56;
        }
        return f.array();
    }
}
