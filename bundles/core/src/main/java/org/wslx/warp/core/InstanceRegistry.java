package org.wslx.warp.core;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The persistent list of instances and the default one, kept in one JSON file. Every change is
 * written at once through a temporary file and an atomic rename, so a crash leaves either the old
 * or the new file, never half of one.
 */
final class InstanceRegistry {
    /** The file's shape. */
    record Contents(int formatVersion, String defaultInstance, List<InstanceRecord> instances) {
    }

    static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    private final Map<String, InstanceRecord> instances = new LinkedHashMap<>();
    private String defaultInstance;

    private InstanceRegistry(Path file) {
        this.file = file;
    }

    /**
     * Loads the registry, or starts an empty one when the file does not exist yet.
     *
     * @throws IOException if the file exists but cannot be read or parsed; the message names it
     */
    static InstanceRegistry load(Path file) throws IOException {
        InstanceRegistry registry = new InstanceRegistry(file);
        if (Files.exists(file)) {
            Contents contents;
            try {
                contents = JSON.readValue(file.toFile(), Contents.class);
            } catch (JsonProcessingException e) {
                throw new IOException("instance registry '" + file + "' is not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (contents.formatVersion() > FORMAT_VERSION) {
                throw new IOException("instance registry '" + file + "' has format " + contents.formatVersion()
                        + ", newer than this service understands (" + FORMAT_VERSION + ")");
            }
            if (contents.instances() != null) {
                contents.instances().forEach(r -> registry.instances.put(r.name(), r));
            }
            registry.defaultInstance = registry.instances.containsKey(contents.defaultInstance())
                    ? contents.defaultInstance() : null;
        }
        return registry;
    }

    synchronized List<InstanceRecord> all() {
        return new ArrayList<>(instances.values());
    }

    synchronized Optional<InstanceRecord> find(String name) {
        return Optional.ofNullable(instances.get(name));
    }

    synchronized Optional<String> defaultInstance() {
        return Optional.ofNullable(defaultInstance);
    }

    /** Adds a new instance; the first instance ever added becomes the default. */
    synchronized void add(InstanceRecord record) throws IOException {
        if (instances.containsKey(record.name())) {
            throw new IllegalStateException("instance '" + record.name() + "' is already registered");
        }
        instances.put(record.name(), record);
        if (defaultInstance == null) {
            defaultInstance = record.name();
        }
        save();
    }

    synchronized void update(InstanceRecord record) throws IOException {
        if (!instances.containsKey(record.name())) {
            throw new IllegalStateException("instance '" + record.name() + "' is not registered");
        }
        instances.put(record.name(), record);
        save();
    }

    /** Removes an instance; if it was the default, the oldest remaining one becomes the default. */
    synchronized void remove(String name) throws IOException {
        if (instances.remove(name) != null) {
            if (name.equals(defaultInstance)) {
                defaultInstance = instances.keySet().stream().findFirst().orElse(null);
            }
            save();
        }
    }

    synchronized void setDefault(String name) throws IOException {
        if (!instances.containsKey(name)) {
            throw new IllegalStateException("instance '" + name + "' is not registered");
        }
        defaultInstance = name;
        save();
    }

    private void save() throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(temporary.toFile(), new Contents(FORMAT_VERSION, defaultInstance, all()));
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
