package org.wslx.warp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/**
 * The sandbox Gogo commands against the real sandbox service on /dev/kvm, driven through the real
 * {@code wslx shell}: the sample image is loaded, its SHA-256 function hashes text as the JDK does, a
 * faulting function's error reaches the user and the pool goes on serving calls, and the pool is listed.
 */
@TestInstance(Lifecycle.PER_CLASS)
class SandboxShellSystemIT {
    private static final Path KVM = Path.of("/dev/kvm");

    private WarpCli wslx;
    private Path samples;

    @BeforeAll
    void startWithTheSampleImage() throws IOException {
        boolean usable = Files.isReadable(KVM) && Files.isWritable(KVM);
        if (!usable) {
            System.out.println("SandboxShellSystemIT skipped: " + KVM + " is absent or not usable by this user");
        }
        assumeTrue(usable, KVM + " is absent or not usable by this user");
        samples = Path.of(System.getProperty("warp.sandbox.samples",
                "../backends/sandbox-kvm/target/generated-resources/guest-build/guest/samples.elf")).toAbsolutePath()
                .normalize();
        assertTrue(Files.isRegularFile(samples), "the sandbox sample image " + samples
                + " is built with backends/sandbox-kvm; build that module first");
        wslx = new WarpCli("sandbox", "");
        firstSessionOffersTheSandboxCommands();
    }

    /**
     * The first session of a freshly started service must already offer every command: the service
     * holds requests until all of its bundles have started.
     */
    private void firstSessionOffersTheSandboxCommands() {
        WarpCli.Result r = shell("warp:sandboxpools");
        assertFalse(r.stderr().contains("Command not found"), "a fresh service's first shell session lacks commands: " + r);
    }

    @AfterAll
    void stopTheService() {
        if (wslx != null) {
            wslx.close();
        }
    }

    @Test
    void theShellLoadsAnImageAndItsSha256MatchesTheJdks() throws NoSuchAlgorithmException {
        String text = "the quick brown fox jumps over the lazy sandbox";
        WarpCli.Result r = shell("warp:sandboxload " + samples, "warp:sandboxcall samples.elf sha256 " + text);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("samples.elf") && r.stdout().contains("sha256"), r.toString());
        assertEquals(sha256(text.getBytes(StandardCharsets.UTF_8)), field(r.stdout(), "hex"), r.toString());
        assertTrue(r.stdout().contains("32 bytes"), r.toString());
        assertEquals("", r.stderr(), r.toString());
    }

    @Test
    void aFaultIsShownAndTheNextCallStillWorks() throws NoSuchAlgorithmException {
        WarpCli.Result r = shell("warp:sandboxload " + samples, "warp:sandboxcall samples.elf fault",
                "warp:sandboxcall samples.elf sha256 after the fault");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("gogo: guest image 'samples.elf', function 'fault': page fault (vector 14) at "
                + "0xdead0000"), r.toString());
        assertTrue(r.stderr().contains("the sandbox was discarded"), r.toString());
        assertEquals(sha256("after the fault".getBytes(StandardCharsets.UTF_8)), field(r.stdout(), "hex"),
                r.toString());
    }

    @Test
    void thePoolIsListedWithItsCalls() {
        WarpCli.Result r = shell("warp:sandboxload " + samples, "warp:sandboxcall samples.elf echo pooled",
                "warp:sandboxpools");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("pooled", field(r.stdout(), "text"), r.toString());
        // Loading the image again replaced its pool, so the row counts this session's one call.
        Matcher header = Pattern.compile("(?m)^(?:g! )*IMAGE\\s+IDLE\\s+BUSY\\s+CREATED\\s+DISCARDED\\s+CALLS\\s+FAILURES\\s*$")
                .matcher(r.stdout());
        assertTrue(header.find(), r.toString());
        Matcher row = Pattern.compile("(?m)^samples\\.elf\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$")
                .matcher(r.stdout());
        assertTrue(row.find(), r.toString());
        assertEquals("0", row.group(2), "busy: " + r);
        assertEquals("0", row.group(4), "discarded: " + r);
        assertEquals("1", row.group(5), "calls: " + r);
        assertEquals("0", row.group(6), "failures: " + r);
        assertEquals("", r.stderr(), r.toString());
    }

    private WarpCli.Result shell(String... commands) {
        String script = String.join("\n", commands) + "\n";
        return wslx.run(script.getBytes(StandardCharsets.UTF_8), "shell");
    }

    /** The value of the last {@code name: value} line in the shell's output. */
    private static String field(String output, String name) {
        Matcher m = Pattern.compile("(?m)^(?:g! )*" + Pattern.quote(name) + ":\\s+(.*)$").matcher(output);
        String value = null;
        while (m.find()) {
            value = m.group(1).strip();
        }
        return value;
    }

    private static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
