package org.wslx.warp.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Resolves a path inside an extracted root filesystem the way the guest would see it: absolute
 * symlinks point at the image's root, and {@code ..} never climbs above it. Debian's
 * {@code /etc/os-release} is itself a symlink, and following it on the host could read the host's
 * files instead of the image's.
 */
final class ConfinedPaths {
    private static final int MAX_SYMLINKS = 40;

    private ConfinedPaths() {
    }

    /** The host path of {@code guestPath} below {@code root}, if it exists there as a regular file. */
    static Optional<Path> regularFile(Path root, String guestPath) throws IOException {
        Deque<String> pending = new ArrayDeque<>();
        push(pending, guestPath);
        Deque<String> resolved = new ArrayDeque<>();
        int symlinks = 0;
        while (!pending.isEmpty()) {
            String part = pending.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                resolved.pollLast();
                continue;
            }
            Path candidate = toHost(root, resolved).resolve(part);
            if (Files.isSymbolicLink(candidate)) {
                if (++symlinks > MAX_SYMLINKS) {
                    return Optional.empty();
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    resolved.clear();
                }
                push(pending, target);
            } else if (Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                resolved.addLast(part);
            } else {
                return Optional.empty();
            }
        }
        Path file = toHost(root, resolved);
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Optional.of(file) : Optional.empty();
    }

    private static void push(Deque<String> pending, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            pending.push(parts[i]);
        }
    }

    private static Path toHost(Path root, Deque<String> parts) {
        Path path = root;
        for (String part : parts) {
            path = path.resolve(part);
        }
        return path;
    }
}
