package org.wslx.warp.personality.trackb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Track B images for tests: a good sample image as a directory or archive, and ways to damage one. */
final class TestImages {
    static final String MANIFEST = """
            {
              "format": 1,
              "name": "samples",
              "version": "1.0.0",
              "description": "test programs",
              "kernel": { "abi": 1, "minimumVersion": "0.1.0", "features": ["spawn", "clock"] },
              "programs": { "hello": "bin/hello", "cat": "bin/cat" },
              "services": [],
              "surfaces": [],
              "signature": { "scheme": null, "signer": null, "value": null },
              "someFutureField": 7
            }
            """;

    private TestImages() {
    }

    static Path directory(Path root, String manifest) throws IOException {
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("data"));
        Files.writeString(root.resolve("manifest.json"), manifest);
        Files.write(root.resolve("bin/hello"), TestElf.program().build());
        Files.write(root.resolve("bin/cat"), TestElf.program().build());
        Files.writeString(root.resolve("data/motd.txt"), "hello from the archive\n");
        return root;
    }

    static Path archive(Path dir, String name) throws Exception {
        return ImagePacker.pack(directory(dir.resolve(name + "-src"), MANIFEST), dir.resolve(name + ".warpb"));
    }

    /** An archive with exactly these objects, written by the writer without the packer's checks. */
    static Path rawArchive(Path file, Object... nameDataExecutable) throws IOException {
        ArchiveWriter writer = new ArchiveWriter();
        for (int i = 0; i < nameDataExecutable.length; i += 3) {
            Object data = nameDataExecutable[i + 1];
            writer.add((String) nameDataExecutable[i],
                    data instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) data,
                    (Boolean) nameDataExecutable[i + 2]);
        }
        writer.write(file);
        return file;
    }

    static void putLong(Path file, long position, long value) throws IOException {
        write(file, position, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).flip());
    }

    static void putInt(Path file, long position, int value) throws IOException {
        write(file, position, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).flip());
    }

    static void putBytes(Path file, long position, byte[] bytes) throws IOException {
        write(file, position, ByteBuffer.wrap(bytes));
    }

    private static void write(Path file, long position, ByteBuffer data) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(data, position);
        }
    }

    /** The index entry of the object at {@code index} starts here (every test name below is short). */
    static long entryAt(Path file, int index) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long at = ArchiveLayout.HEADER_BYTES;
        for (int i = 0; i < index; i++) {
            at += ArchiveLayout.entryBytes(Short.toUnsignedInt(b.getShort((int) at + 52)));
        }
        return at;
    }
}
