package org.wslx.warp.distribution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Track B images for the system tests: the sample programs the build made, packed by the
 * personality's own packer run as a program (as the SDK recipe does), and damaged images written
 * by a small writer of this test's own, straight from IMAGE-FORMAT.md, so that they can be wrong
 * in ways the packer would refuse to produce.
 */
final class TrackBImages {
    private TrackBImages() {
    }

    /** Where the kernel build leaves the sample programs and their manifest. */
    static Path samplesDirectory() {
        Path dir = Path.of(System.getProperty("warp.trackb.samples",
                Path.of("").toAbsolutePath().resolve("../personalities/trackb/target/guest/samples").toString())).normalize();
        if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
            throw new IllegalStateException("the Track B samples are missing from " + dir
                    + "; build personalities/trackb first (mvn -o install -pl personalities/trackb)");
        }
        return dir;
    }

    /** Packs {@code directory} with {@code ImagePacker} in its own JVM; returns the archive. */
    static Path pack(Path directory, Path output) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "org.wslx.warp.personality.trackb.ImagePacker", directory.toString(), output.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("ImagePacker failed on " + directory + ": " + out);
        }
        return output;
    }

    /** The files of a sample directory by object name (manifest.json, bin/hello, ...). */
    static Map<String, byte[]> objects(Path directory) throws IOException {
        Map<String, byte[]> objects = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                objects.put(directory.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        return objects;
    }

    /**
     * Writes an archive per IMAGE-FORMAT.md §1: header, index, objects on their own pages. Every
     * object named in {@code executables} is flagged EXECUTABLE; nothing is checked.
     */
    static Path write(Path file, Map<String, byte[]> objects, List<String> executables) throws IOException {
        List<byte[]> names = new ArrayList<>();
        long index = 0;
        for (String name : objects.keySet()) {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            names.add(n);
            index += align(56 + n.length, 8);
        }
        long dataStart = align(64 + index, 4096);
        long total = dataStart;
        for (byte[] data : objects.values()) {
            total += align(data.length, 4096);
        }
        ByteBuffer head = ByteBuffer.allocate((int) dataStart).order(ByteOrder.LITTLE_ENDIAN);
        head.put("WARPOBJS".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(objects.size()).putLong(64)
                .putLong(index).putLong(total);
        head.position(64);
        long offset = dataStart;
        int i = 0;
        for (Map.Entry<String, byte[]> object : objects.entrySet()) {
            byte[] n = names.get(i++);
            int start = head.position();
            head.putLong(offset).putLong(object.getValue().length).put(sha256(object.getValue()))
                    .putInt(executables.contains(object.getKey()) ? 1 : 0).putShort((short) n.length).putShort((short) 0)
                    .put(n);
            head.position(start + (int) align(56 + n.length, 8));
            offset += align(object.getValue().length, 4096);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(head.array());
        for (byte[] data : objects.values()) {
            out.write(data);
            out.write(new byte[(int) (align(data.length, 4096) - data.length)]);
        }
        return Files.write(file, out.toByteArray());
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long align(long value, long alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }
}
