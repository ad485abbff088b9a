package org.wslx.warp.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/**
 * What a user sees of a Track B instance through the real {@code wslx}, on one backend: the sample
 * programs of the reference kernel with their output and exit codes, stdin relayed byte-exactly,
 * programs at once, faulting and runaway programs ended with clear statuses while the instance
 * keeps working, and bad images refused at import. Subclasses pick the backend.
 */
@TestInstance(Lifecycle.PER_CLASS)
abstract class TrackBScenarios {
    /** Low enough that the runaway test is quick, high enough for every sample under emulation. */
    static final int CPU_LIMIT_MS = 3000;

    WarpCli wslx;
    Path image;

    /** The backend the instance runs on, as {@code --set-backend} names it. */
    abstract String backend();

    /** Skips the class (with the reason printed) when this machine cannot run the backend. */
    abstract void assumeBackendRuns();

    @BeforeAll
    void importTheSamples() throws Exception {
        assumeBackendRuns();
        wslx = new WarpCli("tb-" + backend(), "-Dwarp.trackb.cpuLimitMs=" + CPU_LIMIT_MS);
        image = TrackBImages.pack(TrackBImages.samplesDirectory(), wslx.stateDirectory().resolve("samples.warpb"));
        WarpCli.Result imported = wslx.run("--import", "tb", wslx.stateDirectory().resolve("tb").toString(), image.toString());
        assertEquals(0, imported.exitCode(), imported.toString());
        WarpCli.Result moved = wslx.run("--manage", "tb", "--set-backend", backend());
        assertEquals(0, moved.exitCode(), moved.toString());
    }

    @AfterAll
    void stopTheService() {
        if (wslx != null) {
            wslx.closeAndDeleteState();
        }
    }

    WarpCli.Result tb(String... command) {
        return tb(new byte[0], command);
    }

    WarpCli.Result tb(byte[] stdin, String... command) {
        List<String> args = new ArrayList<>(List.of("-d", "tb", "--"));
        args.addAll(List.of(command));
        return wslx.run(stdin, args.toArray(String[]::new));
    }

    void assertStillServes() {
        WarpCli.Result r = tb("hello");
        assertEquals(0, r.exitCode(), "the instance must keep working: " + r);
        assertTrue(r.stdout().contains("Hello"), r.toString());
    }

    @Test
    void helloGreetsAndExitsZero() {
        WarpCli.Result r = tb("hello");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().startsWith("Hello"), r.toString());
        assertEquals("", r.stderr());
        WarpCli.Result info = wslx.run("--info", "tb");
        assertEquals(0, info.exitCode(), info.toString());
        assertTrue(info.stdout().contains(backend()), info.stdout());
        assertTrue(info.stdout().contains("trackb"), info.stdout());
    }

    @Test
    void catRelaysOneMebibyteByteExactly() {
        byte[] payload = new byte[1024 * 1024];
        new Random(42).nextBytes(payload);
        WarpCli.Result r = tb(payload, "cat");
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals(HexFormat.of().formatHex(TrackBImages.sha256(payload)),
                HexFormat.of().formatHex(TrackBImages.sha256(r.stdoutBytes())));
        assertArrayEquals(payload, r.stdoutBytes());
    }

    @Test
    void sha256PrintsTheDigestOfStdin() {
        byte[] payload = new byte[200_000];
        new Random(7).nextBytes(payload);
        WarpCli.Result r = tb(payload, "sha256");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(HexFormat.of().formatHex(TrackBImages.sha256(payload)), r.stdout().strip().split("\\s+")[0]);
        WarpCli.Result empty = tb("sha256");
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", empty.stdout().strip().split("\\s+")[0]);
    }

    @Test
    void spawnWaitRunsAChildAndWaitsForIt() {
        WarpCli.Result r = tb("spawn-wait");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("Hello"), "the child's output comes through: " + r);
    }

    @Test
    void fourProgramsRunAtOnce() throws Exception {
        // Each cat echoes a line while all four are running; only then do their inputs end, so
        // all four must have been alive at the same time.
        List<Process> cats = new ArrayList<>();
        List<BufferedReader> outputs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Process p = wslx.start("-d", "tb", "--", "cat");
            cats.add(p);
            outputs.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
        }
        List<CompletableFuture<byte[]>> errors = cats.stream().map(p -> WarpCli.drain(p.getErrorStream())).toList();
        for (int i = 0; i < 4; i++) {
            OutputStream in = cats.get(i).getOutputStream();
            in.write(("program " + i + " is running\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
        for (int i = 0; i < 4; i++) {
            assertEquals("program " + i + " is running", outputs.get(i).readLine());
        }
        for (int i = 0; i < 4; i++) {
            cats.get(i).getOutputStream().close();
            WarpCli.Result r = WarpCli.finish(cats.get(i), CompletableFuture.completedFuture(new byte[0]), errors.get(i));
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(null, outputs.get(i).readLine());
        }
    }

    @Test
    void noProgramSeesAnotherProgramsVectorRegisters() {
        WarpCli.Result r = tb("vector-secret");
        assertTrue(r.stdout().contains("vector-peek: looked at"), "the reader ran beside the writer: " + r);
        assertTrue(r.stdout().contains("saw the secret in 0 lanes"), "the reader never sees the writer's registers: " + r);
        assertTrue(r.stdout().contains("own xmm registers kept across every switch"), "x87/SSE state is preserved: " + r);
        assertEquals(0, r.exitCode(), r.toString());
    }

    @Test
    void aFaultingProgramEndsWithAClearStatusAndTheInstanceKeepsWorking() {
        WarpCli.Result r = tb("crash");
        assertEquals(128 + 11, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("crash: page fault: writing address 0x0 (not user memory)"), "the reason is shown: " + r);
        WarpCli.Result kernel = tb("crash", "read", "0x100000");
        assertEquals(128 + 11, kernel.exitCode(), kernel.toString());
        assertTrue(kernel.stderr().contains("reading address 0x100000 (not user memory)"), kernel.toString());
        WarpCli.Result unmapped = tb("crash", "read", "0x8030000000");
        assertEquals(128 + 11, unmapped.exitCode(), unmapped.toString());
        assertTrue(unmapped.stderr().contains("reading address 0x8030000000 (not mapped)"), unmapped.toString());
        assertStillServes();
    }

    @Test
    void aCommandLineGoesThroughTheImagesShell() {
        // wslx -d NAME WORDS... sends /bin/sh -c "WORDS...", as for a Track A instance
        WarpCli.Result r = wslx.run("-d", "tb", "hello", "there");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().startsWith("Hello") && r.stdout().contains("argv[1] = there\n"), r.toString());

        WarpCli.Result quoted = wslx.run("-d", "tb", "hello 'two words' \"say \\\"hi\\\"\" x\\ y # not an argument");
        assertEquals(0, quoted.exitCode(), quoted.toString());
        assertTrue(quoted.stdout().contains("argv[1] = two words\nargv[2] = say \"hi\"\nargv[3] = x y\n")
                && !quoted.stdout().contains("argv[4]"), quoted.toString());

        WarpCli.Result status = wslx.run("-d", "tb", "spawn-wait", "crash");
        assertEquals(128 + 11, status.exitCode(), "a signal ending gives 128+n: " + status);
        WarpCli.Result missing = wslx.run("-d", "tb", "no-such-program");
        assertEquals(127, missing.exitCode(), missing.toString());
        assertTrue(missing.stderr().contains("sh: no-such-program: command not found"), missing.toString());
    }

    @Test
    void aBareWslxRunsTheShellOnStdinLineByLine() {
        WarpCli.Result r = wslx.run("hello a\nhello b\nexit 3\nhello c\n".getBytes(StandardCharsets.UTF_8), "-d", "tb");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("argv[1] = a\n") && r.stdout().contains("argv[1] = b\n"), r.toString());
        assertFalse(r.stdout().contains("argv[1] = c"), "nothing runs after exit: " + r);

        // the shell reads only its own line: the program it starts gets what follows
        WarpCli.Result cat = wslx.run("cat\nthis line is cat's\n".getBytes(StandardCharsets.UTF_8), "-d", "tb");
        assertEquals(0, cat.exitCode(), cat.toString());
        assertEquals("this line is cat's\n", cat.stdout());

        WarpCli.Result last = wslx.run("hello\nno-such-program\n".getBytes(StandardCharsets.UTF_8), "-d", "tb");
        assertEquals(127, last.exitCode(), "end of input exits with the last status: " + last);
    }

    @Test
    void theShellRefusesPipesAndListsWithStatusTwo() {
        for (String line : List.of("hello a | cat", "hello a; hello b", "hello a && hello b", "hello > out", "hello &")) {
            WarpCli.Result r = wslx.run("-d", "tb", line);
            assertEquals(2, r.exitCode(), line + ": " + r);
            assertTrue(r.stderr().contains("is not supported: this shell runs one program per line"), line + ": " + r);
            assertEquals("", r.stdout(), line + ": nothing runs: " + r);
        }
        WarpCli.Result pipe = wslx.run("-d", "tb", "hello a | cat");
        assertTrue(pipe.stderr().contains("sh: '|' is not supported"), pipe.toString());
        WarpCli.Result quoted = wslx.run("-d", "tb", "hello 'a | b;c'");
        assertEquals(0, quoted.exitCode(), "quoted, they are plain characters: " + quoted);
        assertTrue(quoted.stdout().contains("argv[1] = a | b;c\n"), quoted.toString());
        WarpCli.Result usage = tb("sh", "--help");
        assertTrue(usage.stdout().contains("Pipes, redirections"), usage.toString());
    }

    @Test
    void aRunawayProgramIsEndedByItsTimeLimitAndTheInstanceKeepsWorking() {
        long start = System.nanoTime();
        WarpCli.Result r = tb("spin");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(128 + 24, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("time limit of " + CPU_LIMIT_MS + " ms"), "the reason is shown: " + r);
        assertTrue(millis >= CPU_LIMIT_MS, "ended after " + millis + " ms, before its limit");
        assertStillServes();
    }

    @Test
    void aBadPointerIsRefusedWithoutHarmingTheKernel() {
        WarpCli.Result r = tb("badptr");
        assertNotEquals(0, r.exitCode(), r.toString());
        assertStillServes();
    }

    @Test
    void onATerminalCommandsRunOnPipesBecauseTheKernelHasNoPseudoTerminals() {
        WarpCli.Result r = wslx.runOnTerminal(new byte[0], "-d", "tb", "--", "hello", "tty");
        assertEquals(0, r.exitCode(), "a terminal request is dropped, not refused: " + r);
        assertTrue(r.stdout().contains("Hello"), r.toString());
        assertFalse(r.stderr().contains("pseudo-terminal"), r.toString());
    }

    @Test
    void anUnknownProgramExits127WithAMessage() {
        WarpCli.Result r = tb("no-such-program");
        assertEquals(127, r.exitCode(), r.toString());
        assertTrue(r.stderr().contains("no-such-program"), r.toString());
    }

    @Test
    void badImagesAreRefusedAtImportWithClearErrors() throws IOException {
        Map<String, byte[]> good = TrackBImages.objects(TrackBImages.samplesDirectory());
        String manifest = new String(good.get("manifest.json"), StandardCharsets.UTF_8);
        List<String> programs = good.keySet().stream().filter(n -> n.startsWith("bin/")).toList();
        Path dir = wslx.stateDirectory();
        Map<String, String> expected = new LinkedHashMap<>();

        Map<String, byte[]> noHello = new LinkedHashMap<>(good);
        noHello.remove("bin/hello");
        TrackBImages.write(dir.resolve("no-entry.warpb"), noHello, programs);
        expected.put("no-entry", "entry program 'hello' (bin/hello) is not in the archive");

        Map<String, byte[]> newer = new LinkedHashMap<>(good);
        newer.put("manifest.json", manifest.replaceFirst("\"minimumVersion\"\\s*:\\s*\"[^\"]*\"",
                "\"minimumVersion\": \"99.0.0\"").getBytes(StandardCharsets.UTF_8));
        TrackBImages.write(dir.resolve("too-new.warpb"), newer, programs);
        expected.put("too-new", "needs kernel version 99.0.0 or newer, but the installed kernel is");

        Map<String, byte[]> feature = new LinkedHashMap<>(good);
        feature.put("manifest.json", manifest.replaceFirst("\"features\"\\s*:\\s*\\[", "\"features\": [\"teleport\", ")
                .getBytes(StandardCharsets.UTF_8));
        TrackBImages.write(dir.resolve("feature.warpb"), feature, programs);
        expected.put("feature", "needs kernel feature teleport, which the installed kernel");

        Path corrupt = Files.copy(image, dir.resolve("corrupt.warpb"));
        byte[] bytes = Files.readAllBytes(corrupt);
        bytes[bytes.length - 4096 + 1] ^= 0x55;
        Files.write(corrupt, bytes);
        expected.put("corrupt", "the archive is corrupt");

        Map<String, byte[]> script = new LinkedHashMap<>(good);
        script.put("bin/hello", "#!/bin/sh\necho hello\n".getBytes(StandardCharsets.UTF_8));
        TrackBImages.write(dir.resolve("not-elf.warpb"), script, programs);
        expected.put("not-elf", "program 'bin/hello' is not an ELF file");

        for (Map.Entry<String, String> bad : expected.entrySet()) {
            Path target = dir.resolve("bad-" + bad.getKey());
            WarpCli.Result r = wslx.run("--import", bad.getKey(), target.toString(),
                    dir.resolve(bad.getKey() + ".warpb").toString());
            assertEquals(1, r.exitCode(), bad.getKey() + ": " + r);
            assertTrue(r.stderr().contains("image '" + bad.getKey() + "'") && r.stderr().contains(bad.getValue()),
                    bad.getKey() + ": " + r.stderr());
            assertFalse(Files.exists(target), bad.getKey() + ": nothing is left behind in " + target);
        }
        WarpCli.Result list = wslx.run("--list", "--verbose");
        for (String name : expected.keySet()) {
            assertFalse(list.stdout().contains(name + " "), list.stdout());
        }
        assertStillServes();
    }

    @Test
    void exportImportAndUnregisterWorkAsForTrackA() throws IOException {
        Path exported = wslx.stateDirectory().resolve("exported.warpb");
        WarpCli.Result r = wslx.run("--export", "tb", exported.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertArrayEquals(Files.readAllBytes(image), Files.readAllBytes(exported), "the image comes back unchanged");

        Path copyDir = wslx.stateDirectory().resolve("copy");
        assertEquals(0, wslx.run("--import", "copy", copyDir.toString(), exported.toString()).exitCode());
        assertEquals(0, wslx.run("--manage", "copy", "--set-backend", backend()).exitCode());
        WarpCli.Result list = wslx.run("--list", "--verbose");
        assertTrue(list.stdout().contains("copy") && list.stdout().contains("tb"), list.stdout());
        WarpCli.Result images = wslx.run("warp:images\n".getBytes(StandardCharsets.UTF_8), "shell");
        assertTrue(images.stdout().contains("trackb"), images.toString());
        WarpCli.Result hello = wslx.run("-d", "copy", "--", "hello");
        assertEquals(0, hello.exitCode(), hello.toString());

        WarpCli.Result gone = wslx.run("--unregister", "copy");
        assertEquals(0, gone.exitCode(), gone.toString());
        assertFalse(Files.exists(copyDir), "unregister removes the image");
        assertFalse(wslx.run("--list").stdout().contains("copy"));
    }

    @Test
    void anImageDirectoryIsPackedAtImportWithoutAnInstallDirectory() {
        WarpCli.Result imported = wslx.run("--import", "fromdir", TrackBImages.samplesDirectory().toString());
        assertEquals(0, imported.exitCode(), imported.toString());
        try {
            assertEquals(0, wslx.run("--manage", "fromdir", "--set-backend", backend()).exitCode());
            WarpCli.Result hello = wslx.run("-d", "fromdir", "--", "hello");
            assertEquals(0, hello.exitCode(), hello.toString());
            assertTrue(hello.stdout().contains("Hello"), hello.toString());
        } finally {
            assertEquals(0, wslx.run("--unregister", "fromdir").exitCode());
        }
    }
}
