package org.wslx.warp.vmm.memory;

import org.osgi.annotation.versioning.ProviderType;

/**
 * How much host memory a guest memory uses right now.
 *
 * @param mappedPages   pages of guest memory (all regions)
 * @param residentPages pages in host RAM (mincore: mapped or in the page cache of the backing file)
 * @param privatePages  pages copied on write since the last snapshot (private, not backed by the file);
 *                      0 when the memory is shared with its file, -1 when the host does not tell
 *                      ({@code /proc/self/pagemap} unreadable)
 * @param pageSize      the page size these counts are in
 */
@ProviderType
public record MemoryUsage(long mappedPages, long residentPages, long privatePages, long pageSize) {
}
