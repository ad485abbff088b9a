package org.wslx.warp.backend.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import org.wslx.warp.vmm.memory.GuestMemoryBuilder;

/**
 * Where a machine's guest memory lives. It is always a file, so it can be shared and snapshotted,
 * and always one in memory: a named file in the runtime directory when that directory is on a
 * memory filesystem (XDG_RUNTIME_DIR is), else an anonymous memory file (memfd). A file on a disk
 * filesystem would make every first touch of a guest page allocate disk blocks (~0.2 ms a page
 * on ext4), tearing it down would free them again, and the page cache would write guest memory
 * back to the disk.
 */
final class MemoryBacking {
    static final Set<String> MEMORY_FILESYSTEMS = Set.of("tmpfs", "ramfs", "hugetlbfs");

    private MemoryBacking() {
    }

    /** Applies the choice to {@code builder}; returns it. */
    static GuestMemoryBuilder choose(GuestMemoryBuilder builder, Path runtimeDirectory) {
        return inMemoryFilesystem(runtimeDirectory) ? builder.inDirectory(runtimeDirectory) : builder;
    }

    static boolean inMemoryFilesystem(Path directory) {
        try {
            return MEMORY_FILESYSTEMS.contains(Files.getFileStore(directory).type());
        } catch (IOException e) {
            return false; // a memfd works wherever the directory is
        }
    }
}
