package org.wslx.warp.personality.trackb;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Packs a directory into a Track B image: {@code manifest.json} and every other regular file
 * become objects named by their path relative to the directory; the objects the manifest's
 * {@code programs} name are flagged {@code EXECUTABLE}. The result is checked exactly as an import
 * checks it (without a kernel), so a packed image is never one the host would refuse for its own
 * sake. Usable as a program: {@code java -cp <personality jar + jackson> ...ImagePacker DIR OUT.warpb}.
 */
public final class ImagePacker {
    private ImagePacker() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2) {
            err.println("usage: ImagePacker DIRECTORY OUTPUT.warpb");
            err.println("  DIRECTORY holds manifest.json (IMAGE-FORMAT.md §2) and the objects it names, e.g. bin/hello");
            return 2;
        }
        try {
            Path output = pack(Path.of(args[0]), Path.of(args[1]));
            out.println("packed " + args[0] + " into " + output + " (" + Files.size(output) + " bytes)");
            return 0;
        } catch (ArchiveException | IOException e) {
            err.println("ImagePacker: " + e.getMessage());
            return 1;
        }
    }

    /** Packs {@code directory} into {@code output} (replacing it only once the new archive checks out). */
    public static Path pack(Path directory, Path output) throws ArchiveException, IOException {
        String where = "directory '" + directory + "'";
        if (!Files.isDirectory(directory)) {
            throw new ArchiveException(where + " does not exist or is not a directory");
        }
        Path manifestFile = directory.resolve(ArchiveLayout.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new ArchiveException(where + " has no " + ArchiveLayout.MANIFEST);
        }
        TrackBManifest manifest = TrackBManifest.parse(Files.readAllBytes(manifestFile), where + ": " + ArchiveLayout.MANIFEST);
        Set<String> executables = new HashSet<>(manifest.programs().values());
        ArchiveWriter writer = new ArchiveWriter();
        for (Path file : regularFiles(directory)) {
            String name = directory.relativize(file).toString().replace('\\', '/');
            String problem = ArchiveLayout.nameProblem(name);
            if (problem != null) {
                throw new ArchiveException(where + ": file '" + name + "' cannot be an object: " + problem);
            }
            writer.add(name, Files.readAllBytes(file), executables.contains(name));
        }
        Path parent = output.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path partial = Files.createTempFile(parent, output.getFileName().toString(), ".part");
        try {
            writer.write(partial);
            ImageVerifier.verify("image '" + manifest.name() + "'", partial, null);
            Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return output;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** The manifest first, then every other file by name, so that packing is reproducible. */
    private static List<Path> regularFiles(Path directory) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted((a, b) -> {
                        boolean am = a.equals(directory.resolve(ArchiveLayout.MANIFEST));
                        boolean bm = b.equals(directory.resolve(ArchiveLayout.MANIFEST));
                        return am != bm ? (am ? -1 : 1) : directory.relativize(a).toString().compareTo(directory.relativize(b).toString());
                    })
                    .toList();
        }
    }
}
