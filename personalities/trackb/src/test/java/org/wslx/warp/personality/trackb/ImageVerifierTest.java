package org.wslx.warp.personality.trackb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageVerifierTest {
    @TempDir
    Path dir;

    private final KernelInfo kernel = KernelInfo.read(TestElf.kernel("0.1.0", "spawn,clock,map"), "k");

    ImageVerifierTest() throws ArchiveException {
    }

    private String problem(Path archive) {
        return assertThrows(ArchiveException.class, () -> ImageVerifier.verify("image 'x'", archive, kernel)).getMessage();
    }

    private Path imageWith(String manifest, byte[] hello) throws Exception {
        Path src = TestImages.directory(dir.resolve("src"), manifest);
        Files.write(src.resolve("bin/hello"), hello);
        return TestImages.rawArchive(dir.resolve("x.warpb"), "manifest.json", Files.readString(src.resolve("manifest.json")),
                false, "bin/hello", hello, true, "bin/cat", TestElf.program().build(), true);
    }

    @Test
    void aGoodImagePasses() throws Exception {
        ImageVerifier.VerifiedImage image = ImageVerifier.verify("image 'x'", TestImages.archive(dir, "good"), kernel);
        assertEquals("samples", image.manifest().name());
        assertEquals(4, image.archive().entries().size(), "manifest, bin/cat, bin/hello, data/motd.txt");
    }

    @Test
    void missingManifest() throws Exception {
        Path file = TestImages.rawArchive(dir.resolve("x.warpb"), "bin/hello", TestElf.program().build(), true);
        assertEquals("image 'x': the archive has no 'manifest.json' object, so it is not a Track B image", problem(file));
    }

    @Test
    void badJsonInTheManifest() throws Exception {
        Path file = TestImages.rawArchive(dir.resolve("x.warpb"), "manifest.json", "{ nope", false);
        assertTrue(problem(file).startsWith("image 'x': manifest.json is not valid JSON: "), problem(file));
    }

    @Test
    void missingEntryProgram() throws Exception {
        Path file = TestImages.rawArchive(dir.resolve("x.warpb"), "manifest.json", TestImages.MANIFEST, false,
                "bin/hello", TestElf.program().build(), true);
        assertEquals("image 'x': entry program 'cat' (bin/cat) is not in the archive", problem(file));
    }

    @Test
    void entryProgramNotFlaggedExecutable() throws Exception {
        Path file = TestImages.rawArchive(dir.resolve("x.warpb"), "manifest.json", TestImages.MANIFEST, false,
                "bin/hello", TestElf.program().build(), true, "bin/cat", TestElf.program().build(), false);
        assertEquals("image 'x': entry program 'cat' (bin/cat) is not flagged EXECUTABLE in the archive's index", problem(file));
    }

    @Test
    void programsThatAreNotAbiExecutables() throws Exception {
        assertEquals("image 'x': program 'bin/hello' is not an ELF file",
                problem(imageWith(TestImages.MANIFEST, "#!/bin/sh\necho hi\n".getBytes())));
        assertEquals("image 'x': program 'bin/hello' is not a static executable (ELF type 3, the ABI needs ET_EXEC = 2)",
                problem(imageWith(TestImages.MANIFEST, TestElf.program().type(3).build())));
        assertEquals("image 'x': program 'bin/hello' is not for x86-64 (machine 183)",
                problem(imageWith(TestImages.MANIFEST, TestElf.program().machine(183).build())));
        assertEquals("image 'x': program 'bin/hello': segment 0 [0xffffffff80000000, 0xffffffff80001000) lies outside the "
                + "user range [0x400000, 0x800000000000)", problem(imageWith(TestImages.MANIFEST,
                        new TestElf().entry(0xffffffff80000000L).load(0xffffffff80000000L, new byte[4], 0x1000, 5).build())));
        assertEquals("image 'x': program 'bin/hello': its entry point 0x500000 is not inside an executable segment",
                problem(imageWith(TestImages.MANIFEST, TestElf.program().entry(0x500000).build())));
        assertEquals("image 'x': program 'bin/hello' has no loadable segment",
                problem(imageWith(TestImages.MANIFEST, new TestElf().build())));
    }

    @Test
    void kernelVersionAbiOrFeatureMismatch() throws Exception {
        assertEquals("image 'x' needs kernel version 0.2.0 or newer, but the installed kernel is 0.1.0",
                problem(imageWith(TestImages.MANIFEST.replace("0.1.0", "0.2.0"), TestElf.program().build())));
        assertEquals("image 'x' needs kernel feature portal, which the installed kernel 0.1.0 lacks (it has spawn, clock, map)",
                problem(imageWith(TestImages.MANIFEST.replace("\"clock\"", "\"portal\""), TestElf.program().build())));
        assertEquals("image 'x' is built for kernel ABI 2, but the installed kernel 0.1.0 implements ABI 1",
                problem(imageWith(TestImages.MANIFEST.replace("\"abi\": 1", "\"abi\": 2"), TestElf.program().build())));
    }

    @Test
    void corruptArchivesNameTheImage() throws Exception {
        Path file = TestImages.archive(dir, "c");
        TestImages.putBytes(file, Files.size(file) - 4096 + 3, new byte[] {1});
        assertTrue(problem(file).startsWith("image 'x': archive 'c.warpb': object 'data/motd.txt' has SHA-256 "), problem(file));
    }
}
