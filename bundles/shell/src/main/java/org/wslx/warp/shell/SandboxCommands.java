package org.wslx.warp.shell;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.wslx.warp.sandbox.CallLimits;
import org.wslx.warp.sandbox.CallResult;
import org.wslx.warp.sandbox.PoolConfig;
import org.wslx.warp.sandbox.PoolStats;
import org.wslx.warp.sandbox.SandboxException;
import org.wslx.warp.sandbox.SandboxImage;
import org.wslx.warp.sandbox.SandboxPool;
import org.wslx.warp.sandbox.SandboxService;

/**
 * Gogo commands for function sandboxes: load a guest image, call its functions (through the image's
 * pool, so repeated calls are warm), and show images and pools. Registered only while a sandbox
 * provider is present.
 */
@Component(service = SandboxCommands.class, property = {
        "osgi.command.scope=warp",
        "osgi.command.function=sandboxload",
        "osgi.command.function=sandboxcall",
        "osgi.command.function=sandboximages",
        "osgi.command.function=sandboxpools" })
public final class SandboxCommands {
    /** A loaded guest image as the shell shows it. */
    public record ImageEntry(String name, List<String> functions, long loadedBytes, Path source) {
    }

    /** One completed call: the output as text when it is UTF-8, always as hex, and the time it took. */
    public record CallOutput(String image, String function, int bytes, String text, String hex, double micros) {
    }

    private final SandboxService sandboxes;

    @Activate
    public SandboxCommands(@Reference SandboxService sandboxes) {
        this.sandboxes = sandboxes;
    }

    @Descriptor("loads a sandbox guest image (an ELF64 built against the sandbox runtime) and lists its functions")
    public ImageEntry sandboxLoad(CommandSession session,
            @Descriptor("path of the guest image, relative to the shell's directory") String path)
            throws SandboxException {
        Path file = session == null || session.currentDir() == null ? Path.of(path) : session.currentDir().resolve(path);
        return entry(sandboxes.load(file));
    }

    @Descriptor("calls a function of a loaded image with text as input, on a warm sandbox from the image's pool")
    public CallOutput sandboxCall(
            @Descriptor("time limit in milliseconds") @Parameter(names = { "-t", "--timeout" }, absentValue = "1000")
            long timeoutMillis,
            @Descriptor("read the input as hex instead of text") @Parameter(names = { "-x", "--hex" },
                    presentValue = "true", absentValue = "false") boolean hexInput,
            @Descriptor("the image's name, as sandboximages shows it") String image,
            @Descriptor("the function's name") String function,
            @Descriptor("the input, as text (UTF-8) or hex with --hex; may be empty") String... input)
            throws SandboxException {
        SandboxImage loaded = sandboxes.image(image).orElseThrow(() -> new IllegalArgumentException(
                "sandbox image '" + image + "' is not loaded; load it with warp:sandboxload PATH"));
        String joined = String.join(" ", input);
        byte[] bytes = hexInput ? parseHex(joined) : joined.getBytes(StandardCharsets.UTF_8);
        SandboxPool pool = sandboxes.pool(loaded, PoolConfig.defaults());
        CallResult result = pool.call(function, bytes, CallLimits.of(Duration.ofMillis(timeoutMillis)));
        byte[] output = result.output();
        return new CallOutput(image, function, output.length, textOf(output), HexFormat.of().formatHex(output),
                result.elapsed().toNanos() / 1000.0);
    }

    @Descriptor("lists the loaded sandbox images and their functions")
    public Listing<ImageEntry> sandboxImages() {
        return new Listing<>("sandbox images", sandboxes.images().stream().map(SandboxCommands::entry).toList());
    }

    @Descriptor("lists the sandbox pools: idle and busy sandboxes, sandboxes created and discarded, calls")
    public Listing<PoolStats> sandboxPools() {
        return new Listing<>("sandbox pools", sandboxes.pools().stream().map(SandboxPool::stats).toList());
    }

    private static ImageEntry entry(SandboxImage image) {
        return new ImageEntry(image.name(), image.functions(), image.loadedBytes(), image.source());
    }

    private static byte[] parseHex(String hex) {
        String digits = hex.replaceAll("\\s", "");
        try {
            return HexFormat.of().parseHex(digits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sandbox input '" + hex + "' is not hex: " + e.getMessage(), e);
        }
    }

    /** The output as text when it is valid UTF-8 without control characters other than whitespace, else null. */
    private static String textOf(byte[] output) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(output)).toString();
            boolean printable = text.chars().allMatch(c -> c >= 0x20 || c == '\n' || c == '\t' || c == '\r');
            return printable ? text : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
