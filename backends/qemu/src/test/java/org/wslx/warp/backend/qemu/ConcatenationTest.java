package org.wslx.warp.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcatenationTest {
    @TempDir
    Path dir;

    @Test
    void partsStartOnTheAlignmentAskedFor() throws Exception {
        Path a = Files.write(dir.resolve("a"), new byte[] {1, 2, 3, 4, 5});
        Path b = Files.write(dir.resolve("b"), new byte[] {9});

        QemuBackend.concatenate(List.of(a, b), dir.resolve("linux"));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 0, 0, 0, 9}, Files.readAllBytes(dir.resolve("linux")));

        QemuBackend.concatenate(List.of(a, b), dir.resolve("direct"), 4096);
        byte[] direct = Files.readAllBytes(dir.resolve("direct"));
        assertEquals(4097, direct.length);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, Arrays.copyOf(direct, 5));
        assertEquals(9, direct[4096]);
    }
}
