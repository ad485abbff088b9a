package org.wslx.warp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/**
 * A real Debian bookworm minbase root filesystem, made by the project's debootstrap script (or
 * copied from its cache), imported and booted through the real service and {@code wslx}: Debian's
 * own dynamically linked programs run, and the guest knows it is Debian 12.
 */
@TestInstance(Lifecycle.PER_CLASS)
class DebianSystemIT {
    private static final long DEBOOTSTRAP_MINUTES = 30;

    private WarpCli wslx;

    @BeforeAll
    void buildAndImportDebian() throws Exception {
        wslx = new WarpCli("deb", "");
        Path tar = wslx.stateDirectory().resolve("debian-bookworm-minbase.tar");
        String whyNot = buildRootfs(tar);
        if (whyNot != null) {
            System.out.println("DebianSystemIT skipped: " + whyNot);
            Assumptions.abort(whyNot);
        }
        WarpCli.Result imported = wslx.run("--import", "debian", wslx.stateDirectory().resolve("debian").toString(),
                tar.toString());
        assertEquals(0, imported.exitCode(), imported.toString());
    }

    @AfterAll
    void stopTheService() {
        if (wslx != null) {
            wslx.closeAndDeleteState();
        }
    }

    @Test
    void aptFromTheImageRuns() {
        WarpCli.Result r = wslx.run("-d", "debian", "--", "bash", "-c", "apt-get --version");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().startsWith("apt "), r.stdout());
    }

    @Test
    void theGuestIsDebian12() {
        WarpCli.Result r = wslx.run("-d", "debian", "--", "cat", "/etc/os-release");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("NAME=\"Debian GNU/Linux\""), r.stdout());
        assertTrue(r.stdout().contains("VERSION_ID=\"12\""), r.stdout());
        WarpCli.Result info = wslx.run("--info", "debian", "--json");
        assertTrue(info.stdout().contains("Debian"), "the image store read os-release at import: " + info.stdout());
    }

    @Test
    void aSecondCommandDoesNotReboot() {
        WarpCli.Result first = wslx.run("-d", "debian", "--", "cat", "/proc/sys/kernel/random/boot_id");
        WarpCli.Result second = wslx.run("-d", "debian", "--", "cat", "/proc/sys/kernel/random/boot_id");
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals(37, first.stdout().length(), first.stdout());
        assertEquals(first.stdout(), second.stdout());
    }

    /** Runs the image script; returns null when {@code tar} was made, or why it cannot be here. */
    private static String buildRootfs(Path tar) throws IOException, InterruptedException {
        Path launcher = Path.of(System.getProperty("warp.launcher", "wslx")).toAbsolutePath();
        Path script = launcher.getParent().getParent().resolve("personalities/linux/images/build-debian-rootfs.sh");
        assertTrue(Files.isRegularFile(script), "the Debian image script " + script + " exists");
        Process build = new ProcessBuilder("sh", script.toString(), tar.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<byte[]> err = WarpCli.drain(build.getErrorStream());
        if (!build.waitFor(DEBOOTSTRAP_MINUTES, TimeUnit.MINUTES)) {
            build.destroyForcibly();
            throw new AssertionError(script + " did not finish within " + DEBOOTSTRAP_MINUTES + " minutes");
        }
        String stderr = new String(err.join(), java.nio.charset.StandardCharsets.UTF_8);
        if (build.exitValue() != 0 && (stderr.contains("needs root") || stderr.contains("is not installed"))) {
            return stderr.strip();
        }
        assertEquals(0, build.exitValue(), script + " failed: " + stderr);
        assertTrue(Files.size(tar) > 50L * 1024 * 1024, "a minbase tar is tens of MiB, not " + Files.size(tar));
        return null;
    }
}
