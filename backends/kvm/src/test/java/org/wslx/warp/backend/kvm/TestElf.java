package org.wslx.warp.backend.kvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Builds small ELF64 files for tests: a header, program headers, then each segment's bytes. */
final class TestElf {
    record Segment(long physical, byte[] data, long memorySize, int flags) {
    }

    private final List<Segment> segments = new ArrayList<>();
    private long entry;
    private int machine = 62;
    private int elfClass = 2;

    TestElf entry(long address) {
        entry = address;
        return this;
    }

    TestElf machine(int value) {
        machine = value;
        return this;
    }

    TestElf elfClass(int value) {
        elfClass = value;
        return this;
    }

    TestElf segment(long physical, byte[] data, long memorySize, int flags) {
        segments.add(new Segment(physical, data, memorySize, flags));
        return this;
    }

    byte[] build() {
        int headers = 64 + 56 * segments.size();
        int total = headers + segments.stream().mapToInt(s -> s.data().length).sum();
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) elfClass, 1, 1});
        b.putShort(16, (short) 2).putShort(18, (short) machine).putInt(20, 1).putLong(24, entry).putLong(32, 64);
        b.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) segments.size()).putShort(58, (short) 64);
        int offset = headers;
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            int at = 64 + i * 56;
            b.putInt(at, 1).putInt(at + 4, s.flags()).putLong(at + 8, offset).putLong(at + 16, s.physical())
                    .putLong(at + 24, s.physical()).putLong(at + 32, s.data().length).putLong(at + 40, s.memorySize())
                    .putLong(at + 48, 0x1000);
            b.put(offset, s.data());
            offset += s.data().length;
        }
        return b.array();
    }
}
