package org.wslx.warp.bench.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.wslx.warp.bench.Samples;

/**
 * The C floor: kvm_sandbox_peer.c, compiled with gcc at run time, doing the same ioctls on the same
 * machine image file. It times each iteration itself, so process start-up is not counted.
 */
final class NativePeer {
    private final Path binary;
    private final Path machineImage;
    private final Path input;

    private NativePeer(Path binary, Path machineImage, Path input) {
        this.binary = binary;
        this.machineImage = machineImage;
        this.input = input;
    }

    static NativePeer compile(Path source, Path work, Path machineImage, Path input)
            throws IOException, InterruptedException {
        Path binary = work.resolve("kvm_sandbox_peer");
        run(List.of("gcc", "-O2", "-Wall", "-o", binary.toString(), source.toString()));
        return new NativePeer(binary, machineImage, input);
    }

    /** Runs {@code iterations} in one process; returns the per-iteration times and the last output (hex). */
    Result run(String mode, int iterations, String function) throws IOException, InterruptedException {
        Samples timings = new Samples("C peer, " + mode);
        String output = null;
        for (String line : run(List.of(binary.toString(), machineImage.toString(), mode, Integer.toString(iterations),
                function, input.toString()))) {
            if (line.startsWith("ns ")) {
                timings.add(Long.parseLong(line.substring(3).trim()));
            } else if (line.startsWith("output ")) {
                output = line.substring(7).trim();
            }
        }
        return new Result(timings, output);
    }

    record Result(Samples timings, String outputHex) {
    }

    private static List<String> run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        }
        int code = process.waitFor();
        if (code != 0) {
            throw new IOException(String.join(" ", command.subList(0, 1)) + " exited with " + code + ": "
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
        }
        return lines;
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
