package org.wslx.warp.vmm.x86;

import java.util.Arrays;
import java.util.Objects;

import org.osgi.annotation.versioning.ConsumerType;
import org.wslx.warp.vmm.memory.GuestMemory;

/**
 * Where the builders of this package write their tables, addressed by guest-physical address: the
 * library's {@link GuestMemory} ({@link #of}), a byte image of a guest range ({@link #image}), or
 * whatever memory a boot method is lent. The builders check {@link #contains} before they write, so
 * an implementation only has to refuse what lies outside it.
 */
@ConsumerType
public interface TableMemory {
    /** Whether {@code [address, address + length)} may be written. */
    boolean contains(long address, long length);

    long readU64(long address);

    void writeU64(long address, long value);

    void writeU16(long address, int value);

    void write(long address, byte[] source);

    void fill(long address, long length, byte value);

    /** What this memory is, for messages, e.g. {@code guest memory [0x0, 0x4000000)}. */
    String describe();

    /** The library's guest memory as a table sink. */
    static TableMemory of(GuestMemory memory) {
        Objects.requireNonNull(memory, "memory");
        return new TableMemory() {
            @Override
            public boolean contains(long address, long length) {
                return memory.contains(address, length);
            }

            @Override
            public long readU64(long address) {
                return memory.readU64(address);
            }

            @Override
            public void writeU64(long address, long value) {
                memory.writeU64(address, value);
            }

            @Override
            public void writeU16(long address, int value) {
                memory.writeU16(address, value);
            }

            @Override
            public void write(long address, byte[] source) {
                memory.write(address, source);
            }

            @Override
            public void fill(long address, long length, byte value) {
                memory.fill(address, length, value);
            }

            @Override
            public String describe() {
                return "guest memory " + memory.regions();
            }
        };
    }

    /**
     * A byte image of guest-physical {@code [base, base + bytes.length)}, written in place: tables built
     * into it are copied to the guest in one write, by whoever owns the guest's memory.
     */
    static TableMemory image(long base, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new TableMemory() {
            @Override
            public boolean contains(long address, long length) {
                return length >= 0 && address >= base && address - base <= bytes.length - length;
            }

            private int at(long address, long length) {
                if (!contains(address, length)) {
                    throw new IndexOutOfBoundsException("[0x" + Long.toHexString(address) + ", +" + length + ") is outside "
                            + describe());
                }
                return (int) (address - base);
            }

            @Override
            public long readU64(long address) {
                int i = at(address, 8);
                long v = 0;
                for (int b = 7; b >= 0; b--) {
                    v = v << 8 | (bytes[i + b] & 0xFFL);
                }
                return v;
            }

            @Override
            public void writeU64(long address, long value) {
                int i = at(address, 8);
                for (int b = 0; b < 8; b++) {
                    bytes[i + b] = (byte) (value >>> (8 * b));
                }
            }

            @Override
            public void writeU16(long address, int value) {
                int i = at(address, 2);
                bytes[i] = (byte) value;
                bytes[i + 1] = (byte) (value >>> 8);
            }

            @Override
            public void write(long address, byte[] source) {
                System.arraycopy(source, 0, bytes, at(address, source.length), source.length);
            }

            @Override
            public void fill(long address, long length, byte value) {
                int i = at(address, length);
                Arrays.fill(bytes, i, i + (int) length, value);
            }

            @Override
            public String describe() {
                return "the table image [0x" + Long.toHexString(base) + ", 0x" + Long.toHexString(base + bytes.length) + ")";
            }
        };
    }
}
