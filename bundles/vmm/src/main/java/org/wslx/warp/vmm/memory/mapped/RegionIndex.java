package org.wslx.warp.vmm.memory.mapped;

import java.util.List;
import org.wslx.warp.vmm.memory.GuestRegion;

/** Finds the region holding an access by binary search over the sorted, non-overlapping regions. */
final class RegionIndex {
    private final List<GuestRegion> regions;
    private final long[] bases;

    RegionIndex(List<GuestRegion> sortedRegions) {
        this.regions = sortedRegions;
        this.bases = new long[sortedRegions.size()];
        for (int i = 0; i < bases.length; i++) {
            bases[i] = sortedRegions.get(i).base();
        }
    }

    /** The index of the region holding all of {@code [address, address + length)}, or -1. */
    int find(long address, long length) {
        if (length < 0) {
            return -1;
        }
        int lo = 0;
        int hi = bases.length - 1;
        int candidate = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(bases[mid], address) <= 0) {
                candidate = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return candidate >= 0 && regions.get(candidate).contains(address, length) ? candidate : -1;
    }
}
