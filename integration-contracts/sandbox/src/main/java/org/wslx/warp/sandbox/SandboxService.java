package org.wslx.warp.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Function sandboxes: micro-VMs that each run one small ELF64 guest image and call its functions on
 * input bytes. Load an image once, then either create single sandboxes or, for repeated calls, use a
 * pool that keeps warm ones. Closing the providing bundle closes every sandbox and pool it made.
 */
@ProviderType
public interface SandboxService {
    /**
     * Reads and checks a guest image (an ELF64 x86-64 executable built against the sandbox runtime)
     * and keeps it under its file name, replacing an image of the same name.
     *
     * @throws SandboxException {@link SandboxException.Kind#BAD_IMAGE} if the file is missing, not ELF64
     *                          x86-64, or does not fit the sandbox layout
     */
    SandboxImage load(Path file) throws SandboxException;

    /** The images loaded so far, by name. */
    List<SandboxImage> images();

    /** The loaded image of that name. */
    Optional<SandboxImage> image(String name);

    /**
     * Creates one sandbox (a VM with its own memory and vCPU) for the image. The caller closes it.
     *
     * @throws SandboxException {@link SandboxException.Kind#KVM_UNAVAILABLE} when there is no usable
     *                          hypervisor, {@link SandboxException.Kind#BAD_IMAGE} when the image does not
     *                          fit the configuration's memory
     */
    Sandbox create(SandboxImage image, SandboxConfig config) throws SandboxException;

    /**
     * The image's pool, created with {@code config} if it has none; an existing pool keeps its own
     * configuration.
     */
    SandboxPool pool(SandboxImage image, PoolConfig config) throws SandboxException;

    /** Every open pool. */
    List<SandboxPool> pools();

    /** Whether sandboxes can be created here, and if not why (e.g. {@code /dev/kvm} is absent). */
    String availability();
}
