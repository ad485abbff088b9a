package org.wslx.warp.sandbox.kvm.layout;

/**
 * Bytes to place at a guest physical address before the first call; memory not covered stays zero.
 *
 * @param address guest physical address
 * @param bytes   the content
 * @param what    what it is, for messages and dumps
 */
public record MemoryChunk(long address, byte[] bytes, String what) {
    public long end() {
        return address + bytes.length;
    }
}
