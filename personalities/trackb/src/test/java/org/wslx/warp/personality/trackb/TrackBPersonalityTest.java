package org.wslx.warp.personality.trackb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.image.ImageManifest;
import org.wslx.warp.image.ImportedImage;
import org.wslx.warp.personality.BootRequest;
import org.wslx.warp.personality.PersonalityException;

class TrackBPersonalityTest {
    @TempDir
    Path dir;

    private BundledKernel kernel(String version, String features) throws Exception {
        Path file = Files.write(dir.resolve("kernel-" + version + ".elf"), TestElf.kernel(version, features));
        return new BundledKernel(file.toUri().toURL(), dir.resolve("cache"));
    }

    private ImportedImage imported() throws Exception {
        return new WarpbImageFormat(kernel("0.1.0", "spawn,clock")).importImage("s", TestImages.archive(dir, "samples"),
                dir.resolve("inst"));
    }

    @Test
    void theBootPayloadIsTheKernelTheImageAndAFreshBootArchive() throws Exception {
        ImportedImage image = imported();
        TrackBPersonality personality = new TrackBPersonality(kernel("0.1.0", "spawn,clock"), 2500, "warp.debug=1");
        byte[] secret = new byte[32];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) (i * 7);
        }
        Path run = Files.createDirectories(dir.resolve("run"));
        BootPayload payload = personality.prepareBoot(new BootRequest("s", image.manifest(), image.rootDisk(), run, secret));

        assertEquals("elf64", payload.bootMethod());
        assertTrue(payload.kernel().startsWith(dir.resolve("cache")), payload.kernel().toString());
        assertArrayEquals(TestElf.kernel("0.1.0", "spawn,clock"), Files.readAllBytes(payload.kernel()));
        assertEquals("console=ttyS0 warp.cpu_limit_ms=2500 warp.debug=1", payload.commandLine());
        assertEquals(List.of(image.rootDisk(), run.resolve("boot.warpb")), payload.initrds());

        ObjectArchive boot = ArchiveReader.open(run.resolve("boot.warpb"));
        assertEquals(List.of("boot/secret"), boot.entries().stream().map(ArchiveEntry::name).toList());
        assertArrayEquals(secret, boot.read(boot.find("boot/secret").orElseThrow()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(run.resolve("boot.warpb"))));
        assertEquals(2 * 4096, Files.size(run.resolve("boot.warpb")), "a page for header and index, one for the secret");
    }

    @Test
    void theDescriptorIsTrackBAndNamesTheKernel() throws Exception {
        var d = new TrackBPersonality(kernel("0.1.0", "spawn"), 10_000, "").descriptor();
        assertEquals("trackb", d.name());
        assertEquals("B", d.track());
        assertEquals("warp-kernel 0.1.0 (ABI 1, features [spawn])", d.kernel());
    }

    @Test
    void aKernelThatNoLongerFitsTheImageStopsTheBoot() throws Exception {
        ImportedImage image = imported();
        TrackBPersonality personality = new TrackBPersonality(kernel("0.1.0", "spawn"), 10_000, "");
        PersonalityException e = assertThrows(PersonalityException.class, () -> personality.prepareBoot(
                new BootRequest("s", image.manifest(), image.rootDisk(), dir, new byte[32])));
        assertEquals("instance 's' (image 'samples') needs kernel feature clock, which the installed kernel 0.1.0 lacks "
                + "(it has spawn)", e.getMessage());
    }

    @Test
    void aManifestWithoutTheRequirementOrAMissingKernelIsAClearError() throws Exception {
        ImportedImage image = imported();
        Map<String, String> attributes = new HashMap<>(image.manifest().attributes());
        attributes.remove(StoredRequirement.MINIMUM_VERSION);
        ImageManifest stripped = new ImageManifest("trackb", "samples", "", "", attributes);
        TrackBPersonality personality = new TrackBPersonality(kernel("0.1.0", "spawn,clock"), 10_000, "");
        assertEquals("instance 's': its image manifest carries no Track B kernel requirement (trackb.kernel.abi, "
                + "trackb.kernel.minimumVersion); import the image again", assertThrows(PersonalityException.class,
                        () -> personality.prepareBoot(new BootRequest("s", stripped, image.rootDisk(), dir, new byte[32])))
                        .getMessage());

        TrackBPersonality noKernel = new TrackBPersonality(new BundledKernel(null, dir), 10_000, "");
        assertTrue(assertThrows(PersonalityException.class, () -> noKernel.prepareBoot(
                new BootRequest("s", image.manifest(), image.rootDisk(), dir, new byte[32]))).getMessage()
                .startsWith("trackb personality: trackb/warp-kernel.elf is missing from the bundle"));
    }
}
