package org.wslx.warp.personality.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.personality.BootRequest;
import org.wslx.warp.personality.Personality;
import org.wslx.warp.personality.PersonalityDescriptor;
import org.wslx.warp.personality.PersonalityException;

/**
 * Track A: boots Linux images on Debian's cloud kernel with an initramfs whose /init is the WARP
 * agent. Each boot gets a second, tiny initramfs that carries the per-boot secret to the agent.
 */
@Component(service = Personality.class, property = Personality.SERVICE_NAME_PROPERTY + "=" + LinuxPersonality.NAME,
        configurationPid = "org.wslx.warp.personality.linux", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = LinuxPersonalityConfiguration.class)
public class LinuxPersonality implements Personality {
    static final String NAME = "linux";
    static final String BOOT_METHOD = "linux";
    static final String KERNEL_FRAMEWORK_PROPERTY = "warp.linux.kernel";
    static final String SECRET_ARCHIVE = "boot-secret.cpio";
    private static final int SECRET_BYTES = 32;

    private final KernelLocator kernels;
    private final BundledInitramfs initramfs;
    private final String configuredKernel;
    private final String configuredKernelSha256;
    private final String commandLine;

    @Activate
    public LinuxPersonality(BundleContext context, LinuxPersonalityConfiguration config) throws PersonalityException {
        this(KernelLocator.readProperties(LinuxPersonality.class.getClassLoader().getResourceAsStream(
                "guest/kernel.properties"), "guest/kernel.properties"),
                KernelLocator.defaultCacheRoot(System.getenv(), System.getProperty("user.home")),
                new BundledInitramfs(LinuxPersonality.class.getClassLoader().getResource(BundledInitramfs.RESOURCE),
                        dataDirectory(context)),
                config.kernel().isBlank() ? nullToEmpty(context.getProperty(KERNEL_FRAMEWORK_PROPERTY)) : config.kernel(),
                config.kernel_sha256(), config.extra_cmdline());
    }

    LinuxPersonality(Properties recordedKernel, Path cacheRoot, BundledInitramfs initramfs, String configuredKernel,
            String configuredKernelSha256, String extraCommandLine) {
        this.kernels = new KernelLocator(recordedKernel, cacheRoot);
        this.initramfs = initramfs;
        this.configuredKernel = configuredKernel;
        this.configuredKernelSha256 = configuredKernelSha256;
        this.commandLine = LinuxCommandLine.build(extraCommandLine);
    }

    private static Path dataDirectory(BundleContext context) {
        var data = context.getDataFile("");
        // A framework without persistent storage gives no data area; a per-user temp folder does the job.
        return data != null ? data.toPath() : Path.of(System.getProperty("java.io.tmpdir"),
                "wslx-warp-linux-" + System.getProperty("user.name"));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public PersonalityDescriptor descriptor() {
        String kernel = configuredKernel.isBlank() ? kernels.recordedDescription() : "configured kernel " + configuredKernel;
        return new PersonalityDescriptor(NAME, "A", "1.0.0", kernel,
                "Linux images on a Linux kernel, with the WARP agent as PID 1 of the initramfs.");
    }

    @Override
    public BootPayload prepareBoot(BootRequest request) throws PersonalityException {
        String instance = "instance '" + request.instanceName() + "'";
        byte[] secret = request.bootSecret();
        if (secret.length != SECRET_BYTES) {
            throw new PersonalityException(instance + ": the boot secret has " + secret.length
                    + " bytes; the Linux agent expects " + SECRET_BYTES);
        }
        KernelLocator.Kernel kernel;
        Path sharedInitramfs;
        try {
            kernel = kernels.locate(configuredKernel, configuredKernelSha256);
            sharedInitramfs = initramfs.file();
        } catch (PersonalityException e) {
            throw new PersonalityException(instance + ": " + e.getMessage(), e);
        }
        Path secretArchive = writeSecretArchive(instance, request.runtimeDirectory(), secret);
        return new BootPayload(BOOT_METHOD, kernel.path(), List.of(sharedInitramfs, secretArchive), commandLine);
    }

    /** The per-boot initramfs: /warp/boot-secret as 64 lowercase hex digits, readable only by its owner. */
    static byte[] secretArchive(byte[] secret) {
        byte[] hex = HexFormat.of().formatHex(secret).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return new NewcCpioWriter().directory("warp", 0755).file("warp/boot-secret", 0400, hex).finish();
    }

    private static Path writeSecretArchive(String instance, Path runtimeDirectory, byte[] secret)
            throws PersonalityException {
        Path target = runtimeDirectory.resolve(SECRET_ARCHIVE);
        try {
            Files.deleteIfExists(target);
            try {
                Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(target); // not a POSIX file system; the runtime directory is private anyway
            }
            Files.write(target, secretArchive(secret));
            return target;
        } catch (IOException e) {
            throw new PersonalityException(instance + ": cannot write the boot secret archive '" + target + "': "
                    + e.getMessage(), e);
        }
    }
}
