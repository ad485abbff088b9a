package org.wslx.warp.personality.trackb;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Track B image's {@code manifest.json} (IMAGE-FORMAT.md §2), parsed and checked field by field
 * so that an error says which field is wrong and why. Unknown fields are ignored, as the format
 * says; the signature is reserved and not interpreted.
 */
record TrackBManifest(String name, String version, String description, KernelRequirement kernel,
        Map<String, String> programs, List<String> services, List<String> surfaces) {
    static final int FORMAT = 1;
    private static final Pattern COMMAND = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern FEATURE = Pattern.compile("[a-z0-9_-]{1,32}");
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    TrackBManifest {
        programs = Map.copyOf(programs);
        services = List.copyOf(services);
        surfaces = List.copyOf(surfaces);
    }

    /** @param where names the manifest in messages, e.g. {@code image 'samples': manifest.json} */
    static TrackBManifest parse(byte[] json, String where) throws ArchiveException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new ArchiveException(where + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ArchiveException(where + " cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ArchiveException(where + " is not a JSON object");
        }
        int format = integer(root, "format", where);
        if (format != FORMAT) {
            throw new ArchiveException(where + ": 'format' is " + format + "; this personality reads format " + FORMAT);
        }
        String name = text(root, "name", where, true);
        String version = text(root, "version", where, false);
        String description = text(root, "description", where, false);
        KernelRequirement kernel = kernel(root.get("kernel"), where);
        Map<String, String> programs = programs(root.get("programs"), where);
        List<String> services = strings(root, "services", where);
        for (String service : services) {
            if (!programs.containsKey(service)) {
                throw new ArchiveException(where + ": service '" + service + "' is not one of the programs "
                        + programs.keySet());
            }
        }
        return new TrackBManifest(name, version, description, kernel, programs, services, strings(root, "surfaces", where));
    }

    private static KernelRequirement kernel(JsonNode node, String where) throws ArchiveException {
        if (node == null || !node.isObject()) {
            throw new ArchiveException(where + ": 'kernel' is missing or not an object");
        }
        String field = where + ": 'kernel'";
        int abi = integer(node, "abi", field);
        if (abi < 1) {
            throw new ArchiveException(where + ": 'kernel.abi' must be 1 or more, not " + abi);
        }
        String minimum = text(node, "minimumVersion", field, true);
        KernelVersion version = KernelVersion.parse(minimum);
        if (version == null) {
            throw new ArchiveException(where + ": 'kernel.minimumVersion' must be a version like 0.1.0, not '"
                    + minimum + "'");
        }
        List<String> features = strings(node, "features", field);
        for (String feature : features) {
            if (!FEATURE.matcher(feature).matches()) {
                throw new ArchiveException(where + ": kernel feature '" + feature
                        + "' is not a feature name (lower-case letters, digits, '_' and '-')");
            }
        }
        return new KernelRequirement(abi, version, features);
    }

    private static Map<String, String> programs(JsonNode node, String where) throws ArchiveException {
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw new ArchiveException(where + ": 'programs' is missing or empty; an image needs at least one entry program");
        }
        Map<String, String> programs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!COMMAND.matcher(entry.getKey()).matches()) {
                throw new ArchiveException(where + ": program name '" + entry.getKey()
                        + "' is not a command name (1 to 64 of A-Z, a-z, 0-9, '.', '_', '-')");
            }
            if (!entry.getValue().isTextual()) {
                throw new ArchiveException(where + ": program '" + entry.getKey() + "' must name an object (a string)");
            }
            String object = entry.getValue().asText();
            String problem = ArchiveLayout.nameProblem(object);
            if (problem != null) {
                throw new ArchiveException(where + ": program '" + entry.getKey() + "' names '" + object
                        + "', which is not a valid object name: " + problem);
            }
            programs.put(entry.getKey(), object);
        }
        return programs;
    }

    private static int integer(JsonNode node, String field, String where) throws ArchiveException {
        JsonNode value = node.get(field);
        if (value == null || !value.isInt()) {
            throw new ArchiveException(where + ": '" + field + "' is missing or not an integer");
        }
        return value.intValue();
    }

    private static String text(JsonNode node, String field, String where, boolean required) throws ArchiveException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new ArchiveException(where + ": '" + field + "' is missing");
            }
            return "";
        }
        if (!value.isTextual() || required && value.asText().isBlank()) {
            throw new ArchiveException(where + ": '" + field + "' must be a non-empty string");
        }
        return value.asText();
    }

    private static List<String> strings(JsonNode node, String field, String where) throws ArchiveException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new ArchiveException(where + ": '" + field + "' must be a list of strings");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new ArchiveException(where + ": '" + field + "' must be a list of strings");
            }
            items.add(item.asText());
        }
        return items;
    }
}
