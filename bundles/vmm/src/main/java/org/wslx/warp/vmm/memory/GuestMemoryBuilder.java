package org.wslx.warp.vmm.memory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;
import org.wslx.warp.vmm.memory.mapped.MappedGuestMemory;

/**
 * Describes guest memory to create: its regions and what backs them. By default the backing is an anonymous
 * memory file (memfd); {@link #inDirectory(Path)} puts a file in a directory instead (deleted on close).
 */
@ProviderType
public final class GuestMemoryBuilder {
    private final List<GuestRegion> regions = new ArrayList<>();
    private String name = "warp-guest-memory";
    private Path directory;

    GuestMemoryBuilder() {
    }

    /** Adds a region {@code [base, base + size)}. */
    public GuestMemoryBuilder region(long base, long size) {
        return region(new GuestRegion(base, size));
    }

    public GuestMemoryBuilder region(GuestRegion region) {
        Objects.requireNonNull(region, "region");
        for (GuestRegion existing : regions) {
            if (existing.overlaps(region)) {
                throw new IllegalArgumentException("guest region " + region + " overlaps guest region " + existing);
            }
        }
        regions.add(region);
        return this;
    }

    /** A name for the memory, shown in /proc/self/maps and used for the backing file's name. */
    public GuestMemoryBuilder name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /** Backs the memory with a new file in {@code directory} instead of an anonymous memory file. */
    public GuestMemoryBuilder inDirectory(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    /**
     * Creates the file, sizes it and maps every region. The memory reads as zeros.
     *
     * @throws IllegalStateException when no region was given
     * @throws GuestMemoryException  when the host cannot provide the memory
     */
    public GuestMemory build() {
        if (regions.isEmpty()) {
            throw new IllegalStateException("guest memory '" + name + "': no region was given");
        }
        List<GuestRegion> sorted = new ArrayList<>(regions);
        sorted.sort(Comparator.comparing(GuestRegion::base, Long::compareUnsigned));
        return MappedGuestMemory.create(name, sorted, directory);
    }
}
