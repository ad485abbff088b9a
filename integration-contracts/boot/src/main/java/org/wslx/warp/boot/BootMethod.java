package org.wslx.warp.boot;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A way of putting a kernel into a virtual machine (the Linux x86 boot protocol, PVH, 64-bit
 * direct entry, ...). Registered as a service with {@link #SERVICE_NAME_PROPERTY} set to
 * {@link #name()}. The core asks the boot method named by a payload to inspect the kernel before
 * any backend is started, so a missing or wrong kernel is reported before a VM exists.
 */
@ConsumerType
public interface BootMethod {
    /** Service property carrying {@link #name()}. */
    String SERVICE_NAME_PROPERTY = "warp.boot.method";

    /** The method's name as used in {@link BootPayload#bootMethod()}, e.g. {@code linux}. */
    String name();

    /**
     * Reads the kernel file and says what it is.
     *
     * @throws BootException if the file is missing, unreadable or not a kernel this method can boot;
     *                       the message names the file and the cause
     */
    KernelDescription inspect(Path kernel) throws BootException;
}
