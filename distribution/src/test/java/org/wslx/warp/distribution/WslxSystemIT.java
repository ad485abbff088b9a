package org.wslx.warp.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/**
 * Boots the default (busybox) image on QEMU through the real service and the real {@code wslx}
 * client, and checks what users see: output, separate streams, exit codes, signals, large stdin,
 * concurrency, no reboot between commands, and clear errors that leave the service running.
 */
@TestInstance(Lifecycle.PER_CLASS)
class WslxSystemIT {
    private WarpCli wslx;

    @BeforeAll
    void importTheDefaultImage() throws IOException {
        wslx = new WarpCli("sys", "");
        Path image = Path.of(System.getProperty("warp.default.image"));
        WarpCli.Result imported = wslx.run("--import", "busy", wslx.stateDirectory().resolve("busy").toString(),
                image.toString());
        assertEquals(0, imported.exitCode(), imported.toString());
    }

    @AfterAll
    void stopTheService() {
        wslx.close();
    }

    @Test
    void echoReachesStdout() {
        WarpCli.Result r = wslx.run("-d", "busy", "--", "echo", "hello", "from", "the guest");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("hello from the guest\n", r.stdout());
        assertEquals("", r.stderr());
    }

    @Test
    void stdoutAndStderrStayApart() {
        WarpCli.Result r = wslx.run("-d", "busy", "--", "sh", "-c", "echo to-out; echo to-err >&2; echo more-out");
        assertEquals("to-out\nmore-out\n", r.stdout());
        assertEquals("to-err\n", r.stderr());
    }

    @Test
    void exitCodesAreRelayed() {
        for (int code : new int[] {0, 1, 42}) {
            WarpCli.Result r = wslx.run("-d", "busy", "--", "sh", "-c", "exit " + code);
            assertEquals(code, r.exitCode(), r.toString());
        }
    }

    @Test
    void aProcessKilledBySigkillReports137() {
        WarpCli.Result r = wslx.run("-d", "busy", "--", "sh", "-c", "kill -9 $$");
        assertEquals(137, r.exitCode(), r.toString());
    }

    @Test
    void tenMebibytesThroughStdinComeBackUnchanged() throws NoSuchAlgorithmException {
        byte[] payload = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(payload);
        WarpCli.Result r = wslx.run(payload, "-d", "busy", "--", "cat");
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(sha256(payload), sha256(r.stdoutBytes()));
        assertArrayEquals(payload, r.stdoutBytes());
    }

    @Test
    void eightCommandsRunAtOnceInOneInstance() {
        // Each command waits until all eight have announced themselves, which can only happen if
        // they really run at the same time.
        String script = "mkdir -p /tmp/barrier; touch /tmp/barrier/$0; n=0; "
                + "while [ $(ls /tmp/barrier | wc -l) -lt 8 ] && [ $n -lt 1200 ]; do sleep 0.1; n=$((n+1)); done; "
                + "echo $0 saw $(ls /tmp/barrier | wc -l)";
        wslx.run("-d", "busy", "--", "rm", "-rf", "/tmp/barrier");
        List<CompletableFuture<WarpCli.Result>> running = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String id = "p" + i;
            running.add(CompletableFuture.supplyAsync(() -> wslx.run("-d", "busy", "--", "sh", "-c", script, id)));
        }
        for (int i = 0; i < 8; i++) {
            WarpCli.Result r = running.get(i).join();
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals("p" + i + " saw 8\n", r.stdout());
        }
    }

    @Test
    void aSecondCommandDoesNotRebootTheInstance() {
        WarpCli.Result first = wslx.run("-d", "busy", "--", "cat", "/proc/sys/kernel/random/boot_id");
        WarpCli.Result second = wslx.run("-d", "busy", "--", "cat", "/proc/sys/kernel/random/boot_id");
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals(36 + 1, first.stdout().length(), first.stdout());
        assertEquals(first.stdout(), second.stdout());
    }

    @Test
    void aMissingCommandExits127WithAMessage() {
        WarpCli.Result r = wslx.run("-d", "busy", "--", "no-such-command", "x");
        assertEquals(127, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("no-such-command"), r.stderr());
    }

    @Test
    void badInputIsAClearErrorAndTheServiceKeepsRunning() throws IOException {
        Path empty = Files.createFile(wslx.stateDirectory().resolve("empty.tar"));
        WarpCli.Result r = wslx.run("--import", "empty", wslx.stateDirectory().resolve("e").toString(), empty.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("empty"), r.stderr());

        Path corrupt = wslx.stateDirectory().resolve("corrupt.tar.gz");
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        junk[0] = 0x1f;
        junk[1] = (byte) 0x8b;
        Files.write(corrupt, junk);
        r = wslx.run("--import", "corrupt", wslx.stateDirectory().resolve("c").toString(), corrupt.toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("corrupt"), r.stderr());

        r = wslx.run("-d", "no-such-instance", "--", "true");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("no-such-instance") && r.stderr().contains("not registered"), r.stderr());

        WarpCli.Result list = wslx.run("--list", "--verbose");
        assertEquals(0, list.exitCode(), list.toString());
        assertTrue(list.stdout().contains("busy"), list.stdout());
        assertTrue(!list.stdout().contains("empty") && !list.stdout().contains("corrupt"), list.stdout());
        assertEquals("still here\n", wslx.run("-d", "busy", "--", "echo", "still here").stdout());
    }

    @Test
    void wslxShellOpensTheServicesGogoShell() {
        byte[] script = "warp:list\nwarp:exec busy echo hi-from-gogo\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        WarpCli.Result r = wslx.run(script, "shell");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("busy"), r.stdout());
        assertTrue(r.stdout().contains("hi-from-gogo"), r.stdout());
    }

    @Test
    void aPlainWslxOnATerminalGivesALoginShellOnAGuestTerminal() {
        // script(1) writes the keystrokes into the terminal; the guest shell runs them on its own
        // pseudo-terminal, and its exit code becomes wslx's.
        byte[] keys = "tty; echo rows-cols=$(stty size)\nexit 5\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        WarpCli.Result r = wslx.runOnTerminal(keys, "-d", "busy");
        assertEquals(5, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("/dev/pts/"), r.stdout());
        assertTrue(r.stdout().matches("(?s).*rows-cols=\\d+ \\d+.*"), r.stdout());
    }

    private static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
