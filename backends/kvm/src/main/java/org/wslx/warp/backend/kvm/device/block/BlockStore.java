package org.wslx.warp.backend.kvm.device.block;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The bytes behind a virtio block device. The device model only checks and routes requests; the
 * backend supplies the store that does the IO (a disk image file), so the model needs no IO of
 * its own and tests can hand it any store.
 */
public interface BlockStore {
    /** Size in bytes; the device exposes {@code size / 512} sectors. */
    long size();

    boolean readOnly();

    /** Fills {@code destination}'s remaining bytes from {@code offset}. */
    void read(long offset, ByteBuffer destination) throws IOException;

    /** Writes {@code source}'s remaining bytes at {@code offset}. */
    void write(long offset, ByteBuffer source) throws IOException;

    /** Makes every completed write durable. */
    void flush() throws IOException;
}
