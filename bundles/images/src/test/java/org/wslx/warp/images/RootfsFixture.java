package org.wslx.warp.images;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Builds small but realistic root filesystems and archives of them with the host's real tar. */
final class RootfsFixture {
    static final String OS_RELEASE = """
            PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
            NAME="Debian GNU/Linux"
            VERSION_ID="12"
            ID=debian
            """;
    static final String PASSWD = """
            root:x:0:0:root:/root:/bin/bash
            daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
            alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash
            bob:x:1001:1001::/home/bob:/bin/sh
            """;

    private RootfsFixture() {
    }

    /**
     * A tree with what an import must keep: owners, modes including set-user-ID, a symlinked
     * os-release (as on Debian), an absolute symlink, a hard link, a FIFO and a character device.
     */
    static Path createTree(Path root) throws IOException, InterruptedException {
        Files.createDirectories(root);
        for (String dir : List.of("etc", "usr/lib", "usr/bin", "home/alice", "dev", "tmp", "run")) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.writeString(root.resolve("usr/lib/os-release"), OS_RELEASE);
        Files.createSymbolicLink(root.resolve("etc/os-release"), Path.of("../usr/lib/os-release"));
        Files.writeString(root.resolve("etc/passwd"), PASSWD);
        Files.writeString(root.resolve("etc/hostname"), "fixture\n");
        Files.writeString(root.resolve("home/alice/notes.txt"), "alice's notes\n");
        Files.writeString(root.resolve("home/alice/with space.txt"), "spaced\n");
        Files.write(root.resolve("usr/bin/tool"), new byte[] {0x7f, 'E', 'L', 'F', 1, 2, 3});
        Files.writeString(root.resolve("usr/bin/passwd"), "set-uid program stand-in\n");
        Files.createLink(root.resolve("usr/bin/tool-hardlink"), root.resolve("usr/bin/tool"));
        Files.createSymbolicLink(root.resolve("usr/bin/sh"), Path.of("/usr/bin/tool"));
        Files.createFile(root.resolve("etc/empty"));
        shell("chown", "-R", "1000:1000", root.resolve("home/alice").toString());
        shell("chown", "1000:1001", root.resolve("home/alice/notes.txt").toString());
        shell("chown", "-h", "1001:1001", root.resolve("usr/bin/sh").toString());
        shell("chmod", "0750", root.resolve("home/alice").toString());
        shell("chmod", "0640", root.resolve("home/alice/notes.txt").toString());
        shell("chmod", "4755", root.resolve("usr/bin/passwd").toString());
        shell("chmod", "1777", root.resolve("tmp").toString());
        shell("mkfifo", "-m", "0620", root.resolve("run/initctl").toString());
        shell("mknod", "-m", "0666", root.resolve("dev/null").toString(), "c", "1", "3");
        return root;
    }

    static boolean runsAsRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }

    /** Archives {@code tree} as tar, with {@code tarOption} ("--gzip", "--xz", ...) or none. */
    static Path archive(Path tree, Path archive, String tarOption) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tar", "--create", "--numeric-owner", "--sort=name", "--file",
                archive.toString(), "--directory", tree.toString()));
        if (tarOption != null) {
            command.add(tarOption);
        }
        command.add(".");
        shell(command.toArray(String[]::new));
        return archive;
    }

    static String shell(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " timed out");
        }
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output);
        return output;
    }

    /** Mode, owner and type of {@code guestPath} inside an ext4 image, as debugfs reports it. */
    record DiskInode(String type, int mode, int uid, int gid, int links) {
    }

    static DiskInode statOnDisk(Path disk, String guestPath) throws IOException, InterruptedException {
        String out = shell("debugfs", "-R", "stat \"" + guestPath + "\"", disk.toString());
        String type = between(out, "Type: ", "Mode:").strip();
        int mode = Integer.parseInt(between(out, "Mode:", "Flags:").strip(), 8);
        int uid = Integer.parseInt(between(out, "User:", "Group:").strip());
        int gid = Integer.parseInt(between(out, "Group:", "Project:").strip());
        int links = Integer.parseInt(between(out, "Links:", "Blockcount:").strip());
        return new DiskInode(type, mode, uid, gid, links);
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        if (from < 0) {
            throw new AssertionError("'" + start + "' not in debugfs output: " + text);
        }
        from += start.length();
        return text.substring(from, text.indexOf(end, from));
    }

    /** Every entry under {@code dir}, relative, in a stable order; used to prove a directory is untouched. */
    static List<String> listing(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of("<absent>");
        }
        try (var walk = Files.walk(dir)) {
            return walk.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}
