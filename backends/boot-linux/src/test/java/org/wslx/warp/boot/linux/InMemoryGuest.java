package org.wslx.warp.boot.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.wslx.warp.boot.GuestLayout;
import org.wslx.warp.boot.GuestMemoryTarget;

/** Test double: guest memory as one array covering [0, size), checked against a layout's RAM like a backend's. */
final class InMemoryGuest implements GuestMemoryTarget {
    final ByteBuffer bytes;
    private final GuestLayout layout;

    InMemoryGuest(GuestLayout layout) {
        this.layout = layout;
        this.bytes = ByteBuffer.allocate((int) layout.ramEnd()).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void check(long address, long length) {
        if (layout.ramContaining(address, length).isEmpty()) {
            throw new IndexOutOfBoundsException("[0x" + Long.toHexString(address) + ", +" + length + ") is not RAM");
        }
    }

    @Override
    public void write(long guestAddress, ByteBuffer source) {
        check(guestAddress, source.remaining());
        bytes.put((int) guestAddress, source, source.position(), source.remaining());
        source.position(source.limit());
    }

    @Override
    public void zero(long guestAddress, long length) {
        check(guestAddress, length);
        bytes.put((int) guestAddress, new byte[(int) length]);
    }

    @Override
    public void read(long guestAddress, ByteBuffer destination) {
        check(guestAddress, destination.remaining());
        destination.put(destination.position(), bytes, (int) guestAddress, destination.remaining());
        destination.position(destination.limit());
    }

    void fill(long from, long to, byte value) {
        for (long a = from; a < to; a++) {
            bytes.put((int) a, value);
        }
    }

    long u64(long address) {
        return bytes.getLong((int) address);
    }

    int u32(long address) {
        return bytes.getInt((int) address);
    }

    byte[] range(long address, int length) {
        byte[] out = new byte[length];
        bytes.get((int) address, out);
        return out;
    }
}
