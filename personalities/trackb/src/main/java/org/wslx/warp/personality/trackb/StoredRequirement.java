package org.wslx.warp.personality.trackb;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.wslx.warp.image.ImageFormat;
import org.wslx.warp.image.ImageManifest;

/**
 * How a Track B manifest is kept in the instance registry: as attributes of the contract's
 * {@link ImageManifest}, so that a boot can check the kernel requirement without reading the archive.
 */
final class StoredRequirement {
    static final String PERSONALITY = "trackb";
    static final String FORMAT = "warpb";
    static final String ABI = "trackb.kernel.abi";
    static final String MINIMUM_VERSION = "trackb.kernel.minimumVersion";
    static final String FEATURES = "trackb.kernel.features";
    static final String PROGRAMS = "trackb.programs";
    static final String SERVICES = "trackb.services";
    static final String SURFACES = "trackb.surfaces";
    static final String DESCRIPTION = "trackb.description";
    static final String ARCHIVE_BYTES = "trackb.archiveBytes";

    private StoredRequirement() {
    }

    static ImageManifest manifestFor(TrackBManifest manifest, long archiveBytes) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put(ImageFormat.FORMAT_ATTRIBUTE, FORMAT);
        attributes.put(ImageFormat.ATTACH_ROOT_DISK_ATTRIBUTE, "false");
        attributes.put(ABI, Integer.toString(manifest.kernel().abi()));
        attributes.put(MINIMUM_VERSION, manifest.kernel().minimumVersion().toString());
        attributes.put(FEATURES, String.join(",", manifest.kernel().features()));
        attributes.put(PROGRAMS, String.join(",", manifest.programs().keySet().stream().sorted().toList()));
        attributes.put(SERVICES, String.join(",", manifest.services()));
        attributes.put(SURFACES, String.join(",", manifest.surfaces()));
        attributes.put(DESCRIPTION, manifest.description());
        attributes.put(ARCHIVE_BYTES, Long.toString(archiveBytes));
        return new ImageManifest(PERSONALITY, manifest.name(), manifest.version(), "", attributes);
    }

    /** The kernel requirement a stored manifest carries; {@code where} names the instance in messages. */
    static KernelRequirement requirementOf(ImageManifest manifest, String where) throws ArchiveException {
        Map<String, String> a = manifest.attributes();
        KernelVersion minimum = KernelVersion.parse(a.get(MINIMUM_VERSION));
        int abi;
        try {
            abi = Integer.parseInt(a.getOrDefault(ABI, ""));
        } catch (NumberFormatException e) {
            abi = -1;
        }
        if (minimum == null || abi < 1) {
            throw new ArchiveException(where + ": its image manifest carries no Track B kernel requirement ("
                    + ABI + ", " + MINIMUM_VERSION + "); import the image again");
        }
        String features = a.getOrDefault(FEATURES, "");
        List<String> list = features.isBlank() ? List.of() : Arrays.asList(features.split(","));
        return new KernelRequirement(abi, minimum, list);
    }
}
