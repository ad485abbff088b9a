package org.wslx.warp.boot;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The guest memory a backend lends a {@link MemoryLoadingBootMethod} while it loads a kernel,
 * addressed by guest-physical address. Every access is checked against the guest's RAM: a range
 * that is not wholly inside one RAM range of the backend's {@link GuestLayout} is refused with an
 * {@link IndexOutOfBoundsException} naming the range, and nothing of it is written.
 */
@ProviderType
public interface GuestMemoryTarget {
    /** Copies {@code source}'s remaining bytes to {@code guestAddress}; the buffer's position advances past them. */
    void write(long guestAddress, ByteBuffer source);

    /** Sets {@code length} bytes from {@code guestAddress} to zero (a segment's bss, a table's unused part). */
    void zero(long guestAddress, long length);

    /** Fills {@code destination}'s remaining bytes from {@code guestAddress}; its position advances past them. */
    void read(long guestAddress, ByteBuffer destination);
}
