package org.wslx.warp.images;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.wslx.warp.image.ImageException;

/**
 * Every entry of an ext4 filesystem with inode number, mode and owner, read with debugfs's
 * {@code ls -p}. {@code rdump} alone loses hard links, device nodes, FIFOs and symlink owners; this
 * listing is what lets the export put them back. Directories are listed one tree level per debugfs
 * run, so a whole root filesystem costs a handful of processes rather than one per directory.
 */
final class Ext4Listing {
    static final int TYPE_MASK = 0170000;
    static final int DIRECTORY = 0040000;
    static final int REGULAR = 0100000;
    static final int SYMLINK = 0120000;

    /** One directory entry; {@code path} is relative to the root, without a leading slash. */
    record Entry(String path, long inode, int mode, long uid, long gid) {
        int type() {
            return mode & TYPE_MASK;
        }
    }

    private static final String PROMPT = "debugfs: ";

    private Ext4Listing() {
    }

    static List<Entry> read(ExternalTools tools, String imageName, Path disk)
            throws ImageException {
        List<Entry> all = new ArrayList<>();
        List<String> level = List.of("");
        while (!level.isEmpty()) {
            List<String> next = new ArrayList<>();
            for (Entry entry : listLevel(tools, imageName, disk, level)) {
                all.add(entry);
                if (entry.type() == DIRECTORY) {
                    next.add(entry.path());
                }
            }
            level = next;
        }
        return all;
    }

    private static List<Entry> listLevel(ExternalTools tools, String imageName, Path disk,
            List<String> directories) throws ImageException {
        StringBuilder script = new StringBuilder();
        for (String directory : directories) {
            script.append("ls -p ").append(quote("/" + directory)).append('\n');
        }
        String output = Ext4Commands.runScript(tools, imageName, disk, script.toString(),
                "root disk '" + disk + "' could not be listed");
        List<Entry> entries = new ArrayList<>();
        String directory = null;
        int commands = 0;
        for (String line : output.split("\n")) {
            // debugfs echoes each command of the script before its output, in order.
            if (line.startsWith(PROMPT)) {
                directory = commands < directories.size() ? directories.get(commands) : null;
                commands++;
                continue;
            }
            if (directory == null || !line.startsWith("/")) {
                continue;
            }
            Entry entry = parse(directory, line);
            if (entry != null) {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** Parses {@code /inode/mode/uid/gid/name/size/}; names cannot contain a slash, so splitting is safe. */
    private static Entry parse(String directory, String line) {
        String[] fields = line.split("/", -1);
        if (fields.length < 7) {
            return null;
        }
        String name = fields[5];
        if (name.equals(".") || name.equals("..") || name.isEmpty()) {
            return null;
        }
        long inode = Long.parseLong(fields[1]);
        if (inode == 0) {
            // A deleted entry still in the directory block.
            return null;
        }
        int mode = Integer.parseInt(fields[2], 8);
        String path = directory.isEmpty() ? name : directory + "/" + name;
        return new Entry(path, inode, mode, Long.parseLong(fields[3]), Long.parseLong(fields[4]));
    }

    /** debugfs's argument parser reads a doubled quote inside a quoted argument as one quote. */
    static String quote(String path) {
        return '"' + path.replace("\"", "\"\"") + '"';
    }
}
