package org.wslx.warp.boot;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A boot method that puts a kernel into guest memory itself, for a backend that owns the guest's
 * memory (WARP's own monitor) rather than handing the kernel file to a hypervisor that loads it.
 * The loader writes the kernel, its initial ramdisks, the command line and whatever tables its
 * entry convention requires, and says in which CPU state the first vCPU must start.
 */
@ConsumerType
public interface MemoryLoadingBootMethod extends BootMethod {
    /**
     * Loads {@code payload} into {@code memory}, using only the RAM {@code layout} lists and keeping
     * clear of its reserved ranges.
     *
     * @return the register state the bootstrap vCPU starts in
     * @throws BootException if the kernel cannot be booted this way or does not fit the layout; the
     *                       message names the kernel file and the cause
     */
    EntryState load(BootPayload payload, GuestMemoryTarget memory, GuestLayout layout) throws BootException;
}
