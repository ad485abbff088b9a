package org.wslx.warp.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.sandbox.CallLimits;
import org.wslx.warp.sandbox.CallResult;
import org.wslx.warp.sandbox.PoolConfig;
import org.wslx.warp.sandbox.PoolStats;
import org.wslx.warp.sandbox.Sandbox;
import org.wslx.warp.sandbox.SandboxConfig;
import org.wslx.warp.sandbox.SandboxException;
import org.wslx.warp.sandbox.SandboxImage;
import org.wslx.warp.sandbox.SandboxPool;
import org.wslx.warp.sandbox.SandboxService;

class SandboxCommandsTest {
    @TempDir
    Path workDir;
    private final FakeSandboxes sandboxes = new FakeSandboxes();
    private GogoHarness gogo;

    @BeforeEach
    void setUp() throws Exception {
        gogo = new GogoHarness(workDir, new SandboxCommands(sandboxes));
    }

    @AfterEach
    void tearDown() {
        gogo.close();
    }

    @Test
    void loadResolvesThePathAgainstTheShellsDirectoryAndListsFunctions() throws Exception {
        var entry = (SandboxCommands.ImageEntry) gogo.run("warp:sandboxload samples.elf");
        assertEquals("samples.elf", entry.name());
        assertEquals(List.of("reverse"), entry.functions());
        assertEquals(workDir.resolve("samples.elf"), sandboxes.loaded.get(0));
        assertEquals(1, ((Listing<?>) gogo.run("warp:sandboximages")).items().size());
    }

    @Test
    void callReturnsTheOutputAsTextAndHexWithItsTime() throws Exception {
        gogo.run("warp:sandboxload samples.elf");
        var output = (SandboxCommands.CallOutput) gogo.run("warp:sandboxcall samples.elf reverse hello world");
        assertEquals("dlrow olleh", output.text());
        assertEquals("646c726f77206f6c6c6568", output.hex());
        assertEquals(11, output.bytes());
        assertEquals(12.5, output.micros());
        assertEquals(Duration.ofMillis(1000), sandboxes.pool.lastLimits.timeout());

        var binary = (SandboxCommands.CallOutput) gogo.run("warp:sandboxcall -t 50 --hex samples.elf reverse 00ff01");
        assertNull(binary.text(), "bytes that are not text have no text form");
        assertEquals("01ff00", binary.hex());
        assertEquals(Duration.ofMillis(50), sandboxes.pool.lastLimits.timeout());
        assertTrue(gogo.print("warp:sandboxcall samples.elf reverse abc").contains("text:     cba"));

        var pools = (Listing<?>) gogo.run("warp:sandboxpools");
        assertEquals(3, ((PoolStats) pools.items().get(0)).calls());
    }

    @Test
    void theConsoleShowsImagesCallsAndPoolsAsFieldsAndTables() throws Exception {
        assertEquals("no sandbox pools", gogo.print("warp:sandboxpools"));
        String source = workDir.resolve("samples.elf").toString();
        assertEquals("image:     samples.elf\n"
                + "functions: reverse\n"
                + "loaded:    4.0 KiB\n"
                + "source:    " + source, gogo.print("warp:sandboxload samples.elf"));
        assertEquals("IMAGE        FUNCTIONS  LOADED   SOURCE\n"
                + "samples.elf  reverse    4.0 KiB  " + source, gogo.print("warp:sandboximages"));

        assertEquals("image:    samples.elf\n"
                + "function: reverse\n"
                + "time:     12.5 µs\n"
                + "output:   11 bytes\n"
                + "text:     dlrow olleh\n"
                + "hex:      646c726f77206f6c6c6568", gogo.print("warp:sandboxcall samples.elf reverse hello world"));
        assertEquals("image:    samples.elf\n"
                + "function: reverse\n"
                + "time:     12.5 µs\n"
                + "output:   3 bytes\n"
                + "text:     b\n"
                + "          a\n"
                + "hex:      620a61", gogo.print("warp:sandboxcall --hex samples.elf reverse 610a62"));
        assertEquals("image:    samples.elf\n"
                + "function: reverse\n"
                + "time:     12.5 µs\n"
                + "output:   1 byte\n"
                + "hex:      ff", gogo.print("warp:sandboxcall --hex samples.elf reverse ff"));

        assertEquals("IMAGE        IDLE  BUSY  CREATED  DISCARDED  CALLS  FAILURES\n"
                + "samples.elf  1     0     1        0          3      0", gogo.print("warp:sandboxpools"));
    }

    @Test
    void insideOtherOutputTheyAreOneLine() throws Exception {
        WarpConverter converter = new WarpConverter();
        var image = new SandboxCommands.ImageEntry("samples.elf", List.of("sum", "echo"), 8192, workDir);
        assertEquals("samples.elf (2 functions)", converter.format(image, Converter.LINE, null));
        var call = new SandboxCommands.CallOutput("samples.elf", "sum", 8, null, "00", 25_000);
        assertEquals("samples.elf sum: 8 bytes in 25.0 ms", converter.format(call, Converter.LINE, null));
        var stats = new PoolStats("samples.elf", 2, 1, 3, 0, 40, 1);
        assertEquals("samples.elf: 2 idle, 1 busy, 40 calls", converter.format(stats, Converter.LINE, null));
        assertEquals("1 sandbox pools", converter.format(new Listing<>("sandbox pools", List.of(stats)), Converter.LINE,
                null));
    }

    @Test
    void callingAnImageThatIsNotLoadedSaysHowToLoadIt() {
        Exception e = assertThrows(Exception.class, () -> gogo.run("warp:sandboxcall other.elf sum x"));
        assertEquals("sandbox image 'other.elf' is not loaded; load it with warp:sandboxload PATH", e.getMessage());
    }

    @Test
    void sandboxErrorsReachTheShellWithTheirSentence() throws Exception {
        gogo.run("warp:sandboxload samples.elf");
        SandboxException e = assertThrows(SandboxException.class, () -> gogo.run("warp:sandboxcall samples.elf nope"));
        assertEquals("guest image 'samples.elf' has no function 'nope'", e.getMessage());
    }

    /** A sandbox service whose only function reverses its input. */
    private static final class FakeSandboxes implements SandboxService {
        final List<Path> loaded = new ArrayList<>();
        FakeImage image;
        FakePool pool;

        @Override
        public SandboxImage load(Path file) {
            loaded.add(file);
            image = new FakeImage(file);
            return image;
        }

        @Override
        public List<SandboxImage> images() {
            return image == null ? List.of() : List.of(image);
        }

        @Override
        public Optional<SandboxImage> image(String name) {
            return image != null && image.name().equals(name) ? Optional.of(image) : Optional.empty();
        }

        @Override
        public Sandbox create(SandboxImage image, SandboxConfig config) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SandboxPool pool(SandboxImage image, PoolConfig config) {
            if (pool == null) {
                pool = new FakePool(image, config);
            }
            return pool;
        }

        @Override
        public List<SandboxPool> pools() {
            return pool == null ? List.of() : List.of(pool);
        }

        @Override
        public String availability() {
            return "available";
        }
    }

    private record FakeImage(Path source) implements SandboxImage {
        @Override
        public String name() {
            return source.getFileName().toString();
        }

        @Override
        public List<String> functions() {
            return List.of("reverse");
        }

        @Override
        public long loadedBytes() {
            return 4096;
        }
    }

    private static final class FakePool implements SandboxPool {
        private final SandboxImage image;
        private final PoolConfig config;
        CallLimits lastLimits;
        int calls;

        FakePool(SandboxImage image, PoolConfig config) {
            this.image = image;
            this.config = config;
        }

        @Override
        public SandboxImage image() {
            return image;
        }

        @Override
        public PoolConfig config() {
            return config;
        }

        @Override
        public CallResult call(String function, byte[] input, CallLimits limits) throws SandboxException {
            lastLimits = limits;
            if (!function.equals("reverse")) {
                throw new SandboxException(SandboxException.Kind.UNKNOWN_FUNCTION, "guest image '" + image.name()
                        + "' has no function '" + function + "'");
            }
            byte[] out = new byte[input.length];
            for (int i = 0; i < input.length; i++) {
                out[i] = input[input.length - 1 - i];
            }
            calls++;
            return new CallResult(function, out, Duration.ofNanos(12_500));
        }

        @Override
        public PoolStats stats() {
            return new PoolStats(image.name(), 1, 0, 1, 0, calls, 0);
        }

        @Override
        public void close() {
        }
    }
}
