package org.wslx.warp.sandbox.kvm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Where the sample image is, whether /dev/kvm can be used, and small helpers shared by the KVM tests. */
final class SandboxTestSupport {
    static final Path KVM = Path.of("/dev/kvm");

    private SandboxTestSupport() {
    }

    static Path samples() {
        Path path = Path.of(System.getProperty("warp.sandbox.samples",
                "target/generated-resources/guest-build/guest/samples.elf"));
        assumeTrue(Files.isRegularFile(path), "sample guest image " + path + " was not built (gcc missing?)");
        return path;
    }

    /** Skips the test, saying why, when this machine has no usable KVM. */
    static void assumeKvm() {
        boolean usable = Files.isReadable(KVM) && Files.isWritable(KVM);
        if (!usable) {
            System.out.println("skipping: " + KVM + " is absent or not read-writable for this user");
        }
        assumeTrue(usable, KVM + " is absent or not read-writable for this user");
    }

    static long sumOf(byte[] bytes) {
        long sum = 0;
        for (byte b : bytes) {
            sum += b & 0xff;
        }
        return sum;
    }

    static long u64(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
