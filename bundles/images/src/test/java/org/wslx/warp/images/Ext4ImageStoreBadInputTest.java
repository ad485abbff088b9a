package org.wslx.warp.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.image.ImageException;

/** Bad sources fail with a sentence naming the image, the file and the cause, and change nothing. */
class Ext4ImageStoreBadInputTest {
    @TempDir
    Path work;

    private final Ext4ImageStore store = new Ext4ImageStore(Duration.ofSeconds(60));
    private Path existingInstall;
    private List<String> existingListing;

    @BeforeEach
    void installDirectoryWithSomethingOfTheUsersInIt() throws Exception {
        existingInstall = Files.createDirectories(work.resolve("install"));
        Files.writeString(existingInstall.resolve("README"), "the user's own file\n");
        existingListing = RootfsFixture.listing(existingInstall);
    }

    @Test
    void missingSource() throws Exception {
        assertRejected(work.resolve("nope.tar"), "does not exist");
    }

    @Test
    void emptySource() throws Exception {
        assertRejected(Files.createFile(work.resolve("empty.tar")), "is empty");
    }

    @Test
    void randomBytes() throws Exception {
        byte[] noise = new byte[64 * 1024];
        new Random(7).nextBytes(noise);
        noise[0] = 0x00; // never accidentally a compressor's magic
        assertRejected(Files.write(work.resolve("noise.tar"), noise), "is not a tar archive");
    }

    @Test
    void gzipOfSomethingThatIsNotATar() throws Exception {
        Path text = Files.writeString(work.resolve("text"), "just text, no tar headers\n".repeat(100));
        RootfsFixture.shell("gzip", "-k", text.toString());
        assertRejected(work.resolve("text.gz"), "is not a readable tar+gzip archive");
    }

    @Test
    void truncatedTarGz() throws Exception {
        Path tree = Files.createDirectories(work.resolve("tree/etc"));
        byte[] incompressible = new byte[256 * 1024];
        new Random(11).nextBytes(incompressible);
        Files.write(tree.resolve("blob"), incompressible);
        Files.writeString(tree.resolve("os-release"), "NAME=Cut\n");
        Path whole = RootfsFixture.archive(work.resolve("tree"), work.resolve("whole.tar.gz"), "--gzip");
        byte[] bytes = Files.readAllBytes(whole);
        Path half = Files.write(work.resolve("half.tar.gz"), Arrays.copyOf(bytes, bytes.length / 2));

        ImageException error = assertRejected(half, "is not a readable tar+gzip archive");
        assertTrue(error.getMessage().contains("unexpected end of file")
                || error.getMessage().contains("Unexpected EOF"), "tar's own reason is kept: " + error.getMessage());
    }

    @Test
    void compressedTarWithoutAnyEntries() throws Exception {
        Path emptyDir = Files.createDirectories(work.resolve("nothing"));
        Path tar = work.resolve("nothing.tar.gz");
        RootfsFixture.shell("tar", "--create", "--gzip", "--file", tar.toString(), "--directory",
                emptyDir.toString(), "--files-from", "/dev/null");
        assertRejected(tar, "contains no files");
    }

    @Test
    void directoryThatDidNotExistIsNotLeftBehind() throws Exception {
        Path fresh = work.resolve("fresh/install");
        ImageException error = assertThrows(ImageException.class,
                () -> store.importImage("debian", Files.createFile(work.resolve("e.tar")), fresh));
        assertTrue(error.getMessage().startsWith("image 'debian': source '"), error.getMessage());
        assertEquals(List.of("<absent>"), RootfsFixture.listing(fresh));
    }

    @Test
    void installDirectoryAlreadyHoldingADiskIsRefusedAndKept() throws Exception {
        Path disk = Files.writeString(existingInstall.resolve("rootfs.ext4"), "someone's disk");
        Path tree = Files.createDirectories(work.resolve("tree/etc"));
        Files.writeString(tree.resolve("hostname"), "x\n");
        Path source = RootfsFixture.archive(work.resolve("tree"), work.resolve("ok.tar"), null);

        ImageException error = assertThrows(ImageException.class,
                () -> store.importImage("debian", source, existingInstall));

        assertTrue(error.getMessage().contains("already holds rootfs.ext4"), error.getMessage());
        assertEquals("someone's disk", Files.readString(disk));
    }

    @Test
    void failureDuringExtractionRemovesEverythingTheImportCreated() throws Exception {
        Path tree = Files.createDirectories(work.resolve("tree/etc"));
        Files.writeString(tree.resolve("hostname"), "x\n");
        Files.createLink(tree.resolve("hostname-link"), tree.resolve("hostname"));
        Path source = RootfsFixture.archive(work.resolve("tree"), work.resolve("dangling.tar"), null);
        // The listing stays valid, but extracting the link now has no file to link to.
        RootfsFixture.shell("tar", "--delete", "--file", source.toString(), "./etc/hostname");

        ImageException error = assertThrows(ImageException.class,
                () -> store.importImage("debian", source, existingInstall));

        assertTrue(error.getMessage().contains("could not be extracted"), error.getMessage());
        assertTrue(error.getMessage().contains("Cannot hard link"), error.getMessage());
        assertEquals(existingListing, RootfsFixture.listing(existingInstall));
    }

    @Test
    void toolsRunningPastTheirDeadlineAreStopped() throws Exception {
        Path tree = Files.createDirectories(work.resolve("tree/etc"));
        Files.writeString(tree.resolve("hostname"), "x\n");
        Path source = RootfsFixture.archive(work.resolve("tree"), work.resolve("ok.tar"), null);
        Ext4ImageStore impatient = new Ext4ImageStore(Duration.ofMillis(1));

        ImageException error = assertThrows(ImageException.class,
                () -> impatient.importImage("debian", source, existingInstall));

        assertTrue(error.getMessage().contains("did not finish within"), error.getMessage());
        assertEquals(existingListing, RootfsFixture.listing(existingInstall));
    }

    private ImageException assertRejected(Path source, String cause) throws Exception {
        ImageException error = assertThrows(ImageException.class,
                () -> store.importImage("debian", source, existingInstall));
        String message = error.getMessage();
        assertTrue(message.startsWith("image 'debian': "), message);
        assertTrue(message.contains(source.toString()), "names the file: " + message);
        assertTrue(message.contains(cause), "says why (" + cause + "): " + message);
        assertEquals(existingListing, RootfsFixture.listing(existingInstall), "install directory unchanged");
        return error;
    }
}
