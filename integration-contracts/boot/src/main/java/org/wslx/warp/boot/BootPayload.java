package org.wslx.warp.boot;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a personality hands to a backend: a kernel, the initial ramdisks to load after it (in order,
 * concatenated the way the Linux boot protocol allows), and the kernel command line, to be put into
 * the machine by the named boot method.
 *
 * @param bootMethod  name of the {@link BootMethod} that understands {@code kernel}
 * @param kernel      the kernel file
 * @param initrds     initial ramdisks, loaded back to back; may be empty
 * @param commandLine the kernel command line
 */
public record BootPayload(String bootMethod, Path kernel, List<Path> initrds, String commandLine) {
    public BootPayload {
        Objects.requireNonNull(bootMethod, "bootMethod");
        Objects.requireNonNull(kernel, "kernel");
        initrds = List.copyOf(initrds);
        commandLine = commandLine == null ? "" : commandLine;
    }
}
