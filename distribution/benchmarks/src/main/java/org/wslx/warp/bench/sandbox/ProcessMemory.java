package org.wslx.warp.bench.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Resident memory of this process's named mappings (guest memory files, kvm_run areas), from /proc/self/smaps. */
final class ProcessMemory {
    private ProcessMemory() {
    }

    /** Resident bytes of every mapping whose name contains {@code marker} (guest memory files are named). */
    static long residentBytesOfMappings(String marker) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        long total = 0;
        boolean inside = false;
        for (String line : lines) {
            if (isMappingHeader(line)) {
                inside = line.contains(marker);
            } else if (inside && line.startsWith("Rss:")) {
                total += kib(line);
            }
        }
        return total;
    }

    private static boolean isMappingHeader(String line) {
        String first = line.split("\\s+")[0];
        return first.matches("[0-9a-f]+-[0-9a-f]+");
    }

    private static long kib(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
    }
}
