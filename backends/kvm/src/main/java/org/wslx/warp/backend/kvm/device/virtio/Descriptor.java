package org.wslx.warp.backend.kvm.device.virtio;

/**
 * One buffer of a descriptor chain, already checked to lie inside guest memory.
 *
 * @param address  guest-physical address
 * @param length   bytes
 * @param writable whether the device writes it (otherwise the device reads it)
 */
public record Descriptor(long address, int length, boolean writable) {
}
