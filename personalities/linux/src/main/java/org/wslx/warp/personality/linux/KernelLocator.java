package org.wslx.warp.personality.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.wslx.warp.personality.PersonalityException;

/**
 * Finds the kernel a Linux guest boots: an administrator's configured file, or else the Debian
 * cloud kernel that the build recorded in {@code kernel.properties} and fetch-kernel.sh keeps in
 * the WARP cache. A kernel with a known SHA-256 is hashed once per file version, not on every boot.
 */
final class KernelLocator {
    static final String FETCH_HINT = "run personalities/linux/guest/fetch-kernel.sh";

    /** The kernel to boot and a description of it for the personality's descriptor. */
    record Kernel(Path path, String description) {
    }

    private final Properties recorded;
    private final Path cacheRoot;
    private final Map<Path, String> verifiedVersions = new ConcurrentHashMap<>();

    /**
     * @param recorded  the bundled kernel.properties (keys package, version, directory, vmlinuz, vmlinuz.sha256)
     * @param cacheRoot the WARP cache that fetch-kernel.sh fills
     */
    KernelLocator(Properties recorded, Path cacheRoot) {
        this.recorded = recorded;
        this.cacheRoot = cacheRoot;
    }

    /** Reads kernel.properties from a stream, naming 'source' if it cannot. */
    static Properties readProperties(InputStream in, String source) throws PersonalityException {
        if (in == null) {
            throw new PersonalityException("linux personality: " + source + " is missing from the bundle");
        }
        Properties p = new Properties();
        try (in) {
            p.load(in);
        } catch (IOException e) {
            throw new PersonalityException("linux personality: cannot read " + source + ": " + e.getMessage(), e);
        }
        return p;
    }

    /** The cache root as fetch-kernel.sh computes it: WARP_CACHE_DIR, XDG_CACHE_HOME/wslx-warp, ~/.cache/wslx-warp. */
    static Path defaultCacheRoot(Map<String, String> environment, String userHome) {
        String explicit = environment.get("WARP_CACHE_DIR");
        if (explicit != null && !explicit.isEmpty()) {
            return Path.of(explicit);
        }
        String xdg = environment.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(userHome, ".cache");
        return base.resolve("wslx-warp");
    }

    /** The recorded Debian kernel, e.g. "Debian linux-image-6.1.0-56-cloud-amd64 6.1.192-2". */
    String recordedDescription() {
        return "Debian " + recorded.getProperty("package", "?") + " " + recorded.getProperty("version", "?");
    }

    /**
     * Returns the kernel to boot.
     *
     * @param configured       a kernel path the administrator configured, or empty for the cached one
     * @param configuredSha256 its expected SHA-256, or empty to accept it unverified
     */
    Kernel locate(String configured, String configuredSha256) throws PersonalityException {
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured.strip());
            requireFile(path, "configured kernel");
            if (configuredSha256 != null && !configuredSha256.isBlank()) {
                verify(path, configuredSha256.strip(), "configured kernel");
            }
            return new Kernel(path, "configured kernel " + path);
        }
        String directory = recorded.getProperty("directory");
        String vmlinuz = recorded.getProperty("vmlinuz");
        String sha256 = recorded.getProperty("vmlinuz.sha256");
        if (directory == null || vmlinuz == null || sha256 == null) {
            throw new PersonalityException("linux personality: the bundled kernel.properties lacks directory, "
                    + "vmlinuz or vmlinuz.sha256; the bundle was not built by personalities/linux/guest/build-guest.sh");
        }
        Path path = cacheRoot.resolve(directory).resolve(vmlinuz);
        requireFile(path, "kernel");
        verify(path, sha256, "kernel");
        return new Kernel(path, recordedDescription());
    }

    private static void requireFile(Path path, String what) throws PersonalityException {
        if (!Files.isRegularFile(path)) {
            throw new PersonalityException("linux personality: " + what + " '" + path + "' does not exist; "
                    + FETCH_HINT + " (or configure 'kernel')");
        }
    }

    private void verify(Path path, String expected, String what) throws PersonalityException {
        String version;
        try {
            version = Files.size(path) + "@" + Files.getLastModifiedTime(path).toMillis();
        } catch (IOException e) {
            throw new PersonalityException("linux personality: cannot read " + what + " '" + path + "': " + e.getMessage(), e);
        }
        if (version.equals(verifiedVersions.get(path))) {
            return;
        }
        String actual = sha256(path, what);
        if (!actual.equalsIgnoreCase(expected)) {
            throw new PersonalityException("linux personality: " + what + " '" + path + "' has SHA-256 " + actual
                    + " but " + expected + " was recorded; " + FETCH_HINT);
        }
        verifiedVersions.put(path, version);
    }

    static String sha256(Path path, String what) throws PersonalityException {
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[1 << 16];
            for (int n; (n = in.read(chunk)) > 0;) {
                digest.update(chunk, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new PersonalityException("linux personality: cannot read " + what + " '" + path + "': " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the Java runtime has no SHA-256", e);
        }
    }
}
