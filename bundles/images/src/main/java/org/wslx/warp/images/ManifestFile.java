package org.wslx.warp.images;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.wslx.warp.image.ImageException;
import org.wslx.warp.image.ImageManifest;

/** {@code manifest.json} next to a root disk: the {@link ImageManifest} as JSON. */
final class ManifestFile {
    static final String FILE_NAME = "manifest.json";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            // Newer stores may add fields; an older reader should still boot the image.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ManifestFile() {
    }

    /** Writes through a temporary file so a crash never leaves half a manifest. */
    static void write(String imageName, Path installDirectory, ImageManifest manifest) throws ImageException {
        Path target = installDirectory.resolve(FILE_NAME);
        Path partial = installDirectory.resolve(FILE_NAME + ".partial");
        try {
            MAPPER.writeValue(partial.toFile(), manifest);
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // The write already failed; that failure is the one worth reporting.
            }
            throw new ImageException("image '" + imageName + "': manifest '" + target + "' could not be written ("
                    + e.getMessage() + ")", e);
        }
    }

    static ImageManifest read(Path installDirectory) throws ImageException {
        Path file = installDirectory.resolve(FILE_NAME);
        try {
            ImageManifest manifest = MAPPER.readValue(file.toFile(), ImageManifest.class);
            if (manifest == null || manifest.personality() == null || manifest.personality().isBlank()) {
                throw new ImageException("manifest '" + file + "' names no personality");
            }
            return manifest;
        } catch (JacksonException e) {
            throw new ImageException("manifest '" + file + "' is not valid manifest JSON ("
                    + e.getOriginalMessage() + ")", e);
        } catch (NoSuchFileException e) {
            throw new ImageException("manifest '" + file + "' does not exist", e);
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw new ImageException("manifest '" + file + "' does not exist", e);
            }
            throw new ImageException("manifest '" + file + "' could not be read (" + e.getMessage() + ")", e);
        }
    }
}
