package org.wslx.warp.backend.kvm;

import java.nio.ByteBuffer;

import org.wslx.warp.boot.GuestLayout;
import org.wslx.warp.boot.GuestMemoryTarget;
import org.wslx.warp.vmm.memory.GuestMemory;

/** The guest memory lent to a boot method: RAM as the layout lists it, nothing else. */
final class LoadTarget implements GuestMemoryTarget {
    private final GuestMemory memory;
    private final GuestLayout layout;

    LoadTarget(GuestMemory memory, GuestLayout layout) {
        this.memory = memory;
        this.layout = layout;
    }

    private void check(long address, long length) {
        if (length < 0 || layout.ramContaining(address, length).isEmpty()) {
            throw new IndexOutOfBoundsException("guest range [0x" + Long.toHexString(address) + ", +" + length
                    + ") is not inside the guest's RAM " + layout.ram());
        }
    }

    @Override
    public void write(long guestAddress, ByteBuffer source) {
        check(guestAddress, source.remaining());
        memory.write(guestAddress, source);
    }

    @Override
    public void zero(long guestAddress, long length) {
        check(guestAddress, length);
        if (length > 0) {
            memory.fill(guestAddress, length, (byte) 0);
        }
    }

    @Override
    public void read(long guestAddress, ByteBuffer destination) {
        check(guestAddress, destination.remaining());
        memory.read(guestAddress, destination);
    }
}
