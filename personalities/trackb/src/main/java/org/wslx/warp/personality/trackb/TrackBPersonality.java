package org.wslx.warp.personality.trackb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
 * Track B: boots object-store images on the WARP reference kernel, a new ABI that is not Linux.
 * The kernel is entered directly in 64-bit mode (boot method {@code elf64}); the image archive and
 * a fresh per-boot archive with the secret form its one boot module; its own agent speaks the
 * control plane over the virtio-mmio console.
 */
@Component(service = Personality.class, property = Personality.SERVICE_NAME_PROPERTY + "=" + StoredRequirement.PERSONALITY,
        configurationPid = "org.wslx.warp.personality.trackb", configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = TrackBConfiguration.class)
public class TrackBPersonality implements Personality {
    static final String BOOT_METHOD = "elf64";
    static final String CPU_LIMIT_PROPERTY = "warp.trackb.cpuLimitMs";
    static final long DEFAULT_CPU_LIMIT_MS = 10_000;

    private final BundledKernel kernel;
    private final String commandLine;

    @Activate
    public TrackBPersonality(BundleContext context, TrackBConfiguration config) {
        this(new BundledKernel(TrackBPersonality.class.getClassLoader().getResource(BundledKernel.RESOURCE),
                dataDirectory(context)),
                config.cpu_limit_ms() > 0 ? config.cpu_limit_ms() : parseLimit(context.getProperty(CPU_LIMIT_PROPERTY)),
                config.extra_cmdline());
    }

    TrackBPersonality(BundledKernel kernel, long cpuLimitMs, String extraCommandLine) {
        this.kernel = kernel;
        String extra = extraCommandLine == null ? "" : extraCommandLine.strip();
        this.commandLine = "console=ttyS0 warp.cpu_limit_ms=" + cpuLimitMs + (extra.isEmpty() ? "" : " " + extra);
    }

    static Path dataDirectory(BundleContext context) {
        var data = context.getDataFile("");
        // A framework without persistent storage gives no data area; a per-user temp folder does the job.
        return data != null ? data.toPath() : Path.of(System.getProperty("java.io.tmpdir"),
                "wslx-warp-trackb-" + System.getProperty("user.name"));
    }

    private static long parseLimit(String value) {
        try {
            long parsed = value == null ? 0 : Long.parseLong(value.strip());
            return parsed > 0 ? parsed : DEFAULT_CPU_LIMIT_MS;
        } catch (NumberFormatException e) {
            return DEFAULT_CPU_LIMIT_MS;
        }
    }

    String commandLine() {
        return commandLine;
    }

    @Override
    public PersonalityDescriptor descriptor() {
        String description;
        try {
            description = kernel.kernel().info().toString();
        } catch (ArchiveException e) {
            description = "warp-kernel (not available: " + e.getMessage() + ")";
        }
        return new PersonalityDescriptor(StoredRequirement.PERSONALITY, "B", "1.0.0", description,
                "Object-store images on the WARP reference kernel, a new ABI that is not Linux.");
    }

    @Override
    public BootPayload prepareBoot(BootRequest request) throws PersonalityException {
        String instance = "instance '" + request.instanceName() + "'";
        BundledKernel.Kernel bundled;
        try {
            bundled = kernel.kernel();
            KernelRequirement needs = StoredRequirement.requirementOf(request.manifest(), instance);
            KernelCompatibility.check(instance + " (image '" + request.manifest().osName() + "')", needs, bundled.info());
        } catch (ArchiveException e) {
            throw new PersonalityException(e.getMessage(), e);
        }
        Path image = request.rootDisk();
        try {
            long bytes = Files.size(image);
            if (bytes == 0 || bytes % ArchiveLayout.PAGE != 0) {
                throw new PersonalityException(instance + ": image archive '" + image + "' has " + bytes
                        + " bytes, not a whole number of pages; it was changed after import");
            }
        } catch (IOException e) {
            throw new PersonalityException(instance + ": image archive '" + image + "' cannot be read: " + e.getMessage(), e);
        }
        Path bootArchive;
        try {
            bootArchive = BootArchive.write(request.runtimeDirectory(), request.bootSecret());
        } catch (IOException | IllegalArgumentException e) {
            throw new PersonalityException(instance + ": cannot write the boot archive into '" + request.runtimeDirectory()
                    + "': " + e.getMessage(), e);
        }
        return new BootPayload(BOOT_METHOD, bundled.file(), List.of(image, bootArchive), commandLine);
    }
}
