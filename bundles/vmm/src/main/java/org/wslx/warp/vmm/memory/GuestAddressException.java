package org.wslx.warp.vmm.memory;

import java.util.List;

/**
 * A guest physical access that does not fall entirely inside one region of guest memory. The host never
 * touches memory for such an access.
 */
public final class GuestAddressException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long address;
    private final long length;

    public GuestAddressException(long address, long length, List<GuestRegion> regions) {
        super("guest memory access at " + GuestRegion.hex(address) + " of " + length + " bytes "
                + (length < 0 ? "has a negative length" : "is not inside one guest region") + "; regions are " + regions);
        this.address = address;
        this.length = length;
    }

    public long address() {
        return address;
    }

    public long length() {
        return length;
    }
}
