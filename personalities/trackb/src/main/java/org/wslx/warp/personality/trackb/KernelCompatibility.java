package org.wslx.warp.personality.trackb;

import java.util.List;

/** Whether a kernel satisfies what an image's manifest asks of it (IMAGE-FORMAT.md §2, {@code kernel}). */
final class KernelCompatibility {
    private KernelCompatibility() {
    }

    /** @param image names the image in messages, e.g. {@code image 'samples'} */
    static void check(String image, KernelRequirement needs, KernelInfo kernel) throws ArchiveException {
        if (needs.abi() != kernel.abi()) {
            throw new ArchiveException(image + " is built for kernel ABI " + needs.abi() + ", but the installed kernel "
                    + kernel.version() + " implements ABI " + kernel.abi());
        }
        if (needs.minimumVersion().compareTo(kernel.version()) > 0) {
            throw new ArchiveException(image + " needs kernel version " + needs.minimumVersion()
                    + " or newer, but the installed kernel is " + kernel.version());
        }
        List<String> missing = needs.features().stream().filter(f -> !kernel.features().contains(f)).toList();
        if (!missing.isEmpty()) {
            throw new ArchiveException(image + " needs kernel feature" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + ", which the installed kernel " + kernel.version()
                    + " lacks (it has " + String.join(", ", kernel.features()) + ")");
        }
    }
}
