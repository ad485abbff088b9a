package org.wslx.warp.core;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.wslx.warp.image.ImageException;
import org.wslx.warp.image.ImageFormat;
import org.wslx.warp.image.ImageManifest;
import org.wslx.warp.image.ImageStore;
import org.wslx.warp.image.ImportedImage;
import org.wslx.warp.instance.InstanceException;

/**
 * Sends each image operation to whoever owns the image: on import, the first registered
 * {@link ImageFormat} that recognises the source, else the {@link ImageStore}; on export and
 * removal, the format the stored manifest names, else the store. The core learns nothing about
 * any particular format from this; formats come and go with their bundles.
 */
final class ImageRouter {
    private final Providers providers;

    ImageRouter(Providers providers) {
        this.providers = providers;
    }

    ImportedImage importImage(String name, Path source, Path installDirectory) throws InstanceException, ImageException {
        Optional<ImageFormat> format = providers.imageFormats().all().stream()
                .sorted(Comparator.comparing(Provider::name))
                .map(Provider::service)
                .filter(f -> recognises(f, source))
                .findFirst();
        if (format.isEmpty()) {
            return providers.imageStore(name).importImage(name, source, installDirectory);
        }
        ImportedImage image = format.get().importImage(name, source, installDirectory);
        return withFormatNamed(image, format.get().name());
    }

    void exportImage(String name, InstanceRecord record, Path target) throws InstanceException, ImageException {
        Optional<ImageFormat> format = formatOf(name, record.manifest());
        if (format.isPresent()) {
            format.get().exportImage(name, record.installPath(), record.manifest(), target);
        } else {
            providers.imageStore(name).exportImage(name, record.rootDiskPath(), target);
        }
    }

    void deleteImage(String name, InstanceRecord record) throws InstanceException, ImageException {
        Optional<ImageFormat> format = formatOf(name, record.manifest());
        if (format.isPresent()) {
            format.get().deleteImage(name, record.installPath());
        } else {
            providers.imageStore(name).deleteImage(name, record.installPath());
        }
    }

    /** Whether the core attaches the image's root disk as a block device (the manifest may say no). */
    static boolean attachesRootDisk(ImageManifest manifest) {
        return !"false".equalsIgnoreCase(manifest.attributes().get(ImageFormat.ATTACH_ROOT_DISK_ATTRIBUTE));
    }

    private Optional<ImageFormat> formatOf(String name, ImageManifest manifest) throws InstanceException {
        String formatName = manifest.attributes().get(ImageFormat.FORMAT_ATTRIBUTE);
        if (formatName == null || formatName.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(providers.imageFormats().find(formatName)
                .orElseThrow(() -> new InstanceException("instance '" + name + "': its image is in format '" + formatName
                        + "', and no bundle providing that image format is installed (installed: "
                        + providers.imageFormats().all().stream().map(Provider::name).sorted().toList() + ")"))
                .service());
    }

    /** A format that forgets to name itself would make its images unexportable; the router names it. */
    private static ImportedImage withFormatNamed(ImportedImage image, String formatName) {
        ImageManifest manifest = image.manifest();
        if (formatName.equals(manifest.attributes().get(ImageFormat.FORMAT_ATTRIBUTE))) {
            return image;
        }
        Map<String, String> attributes = new HashMap<>(manifest.attributes());
        attributes.put(ImageFormat.FORMAT_ATTRIBUTE, formatName);
        return new ImportedImage(image.rootDisk(), image.diskBytes(), new ImageManifest(manifest.personality(),
                manifest.osName(), manifest.osVersion(), manifest.defaultUser(), attributes));
    }

    /** A format that throws while sniffing a source does not recognise it; the store gets its chance. */
    private static boolean recognises(ImageFormat format, Path source) {
        try {
            return source != null && format.recognises(source);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
