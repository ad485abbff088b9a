package org.wslx.warp.policy.json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import org.osgi.framework.VersionRange;
import org.wslx.warp.policy.PolicyDocument;
import org.wslx.warp.policy.PolicyException;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/** Reads, validates and atomically writes one {@code policy.json}. */
final class PolicyFile {
    private final Path path;
    private final ObjectMapper mapper = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            // A misspelt key ("surface" for "surfaces") would otherwise silently allow nothing.
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    PolicyFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /**
     * Reads the document; an absent file means the defaults.
     *
     * @throws PolicyException if the file cannot be read, is not valid JSON of the expected shape,
     *                         or names an invalid version range; the message names the file and line
     */
    PolicyDocument read() throws PolicyException {
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (NoSuchFileException absent) {
            return PolicyDocument.defaults();
        } catch (IOException e) {
            throw new PolicyException("policy file '" + path + "' cannot be read: " + e.getMessage(), e);
        }
        if (content.length == 0 || new String(content, StandardCharsets.UTF_8).isBlank()) {
            throw new PolicyException("policy file '" + path + "' is empty");
        }
        PolicyDocument document;
        try {
            document = mapper.readValue(content, PolicyDocument.class);
        } catch (UnrecognizedPropertyException e) {
            throw new PolicyException("policy file '" + path + "' is malformed at "
                    + where(locationOfTopLevelKey(content, e.getPropertyName(), e.getLocation())) + ": key '"
                    + e.getPropertyName() + "' is not one of backends, personalities, surfaces, contracts", e);
        } catch (JsonProcessingException e) {
            throw new PolicyException("policy file '" + path + "' is malformed at " + where(e.getLocation()) + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PolicyException("policy file '" + path + "' cannot be parsed: " + e.getMessage(), e);
        }
        if (document == null) {
            throw new PolicyException("policy file '" + path + "' holds null instead of a policy object");
        }
        validate(document, "policy file '" + path + "'");
        return document;
    }

    /** Writes the document through a temporary file and a rename, so a crash never leaves half a policy. */
    void write(PolicyDocument document) throws PolicyException {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            Path temporary = Files.createTempFile(path.toAbsolutePath().getParent(), ".policy-", ".json.tmp");
            try {
                mapper.writeValue(temporary.toFile(), document);
                moveIntoPlace(temporary, path);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new PolicyException("policy file '" + path + "' cannot be written: " + e.getMessage(), e);
        }
    }

    /** Moves a file the service could not read out of the way so replacing it loses nothing. */
    Path setAside() throws IOException {
        Path rejected = path.resolveSibling(path.getFileName() + ".rejected");
        Files.move(path, rejected, StandardCopyOption.REPLACE_EXISTING);
        return rejected;
    }

    /**
     * Checks what Jackson cannot: blank names and version ranges.
     *
     * @param origin names the document in messages, e.g. {@code policy update}
     */
    static void validate(PolicyDocument document, String origin) throws PolicyException {
        checkNames(document.backends(), "backends", origin);
        checkNames(document.personalities(), "personalities", origin);
        checkNames(document.surfaces(), "surfaces", origin);
        for (Map.Entry<String, String> entry : document.contracts().entrySet()) {
            if (entry.getKey().isBlank()) {
                throw new PolicyException(origin + ": contracts has an entry with a blank contract name");
            }
            try {
                new VersionRange(entry.getValue());
            } catch (IllegalArgumentException e) {
                throw new PolicyException(origin + ": contract '" + entry.getKey() + "' has version range '"
                        + entry.getValue() + "', which is not an OSGi version range (" + e.getMessage() + ")", e);
            }
        }
    }

    private static void checkNames(List<String> names, String list, String origin) throws PolicyException {
        for (String name : names) {
            if (name.isBlank()) {
                throw new PolicyException(origin + ": " + list + " contains a blank name");
            }
        }
    }

    /**
     * Records are bound only after their whole object is read, so Jackson reports an unknown key at
     * the closing brace; a second pass finds the line the key is actually on.
     */
    private JsonLocation locationOfTopLevelKey(byte[] content, String key, JsonLocation fallback) {
        try (JsonParser parser = mapper.getFactory().createParser(content)) {
            int depth = 0;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token.isStructStart()) {
                    depth++;
                } else if (token.isStructEnd()) {
                    depth--;
                } else if (token == JsonToken.FIELD_NAME && depth == 1 && key.equals(parser.currentName())) {
                    return parser.currentTokenLocation();
                }
            }
        } catch (IOException e) {
            // The first pass already parsed this content; fall back to its position.
        }
        return fallback;
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 0) {
            return "an unknown position";
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static void moveIntoPlace(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
