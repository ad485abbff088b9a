package org.wslx.warp.sandbox;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** A loaded, checked guest image. */
@ProviderType
public interface SandboxImage {
    /** The image's name: its file name, e.g. {@code samples.elf}. */
    String name();

    /** The file it was read from. */
    Path source();

    /** The callable functions it defines, sorted by name. */
    List<String> functions();

    /** Bytes of guest memory its segments occupy. */
    long loadedBytes();
}
