package org.wslx.warp.personality.trackb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TrackBManifestTest {
    private static TrackBManifest parse(String json) throws ArchiveException {
        return TrackBManifest.parse(json.getBytes(StandardCharsets.UTF_8), "m");
    }

    private static String problem(String json) {
        return assertThrows(ArchiveException.class, () -> parse(json)).getMessage();
    }

    private static String with(String from, String to) {
        String changed = TestImages.MANIFEST.replace(from, to);
        if (changed.equals(TestImages.MANIFEST)) {
            throw new IllegalArgumentException("'" + from + "' is not in the test manifest");
        }
        return changed;
    }

    @Test
    void readsEveryFieldAndIgnoresUnknownOnes() throws ArchiveException {
        TrackBManifest m = parse(TestImages.MANIFEST);
        assertEquals("samples", m.name());
        assertEquals("1.0.0", m.version());
        assertEquals("test programs", m.description());
        assertEquals(new KernelRequirement(1, new KernelVersion(0, 1, 0), List.of("spawn", "clock")), m.kernel());
        assertEquals(Map.of("hello", "bin/hello", "cat", "bin/cat"), m.programs());
        assertEquals(List.of(), m.services());
    }

    @Test
    void badJson() {
        String problem = problem("{\"format\": 1,");
        assertTrue(problem.startsWith("m is not valid JSON: Unexpected end-of-input"), problem);
        assertEquals("m is not a JSON object", problem("[1, 2]"));
    }

    @Test
    void wrongOrMissingFields() {
        assertEquals("m: 'format' is 2; this personality reads format 1", problem(with("\"format\": 1", "\"format\": 2")));
        assertEquals("m: 'name' is missing", problem(with("\"name\": \"samples\",", "")));
        assertEquals("m: 'kernel' is missing or not an object", problem(with("\"kernel\"", "\"kernal\"")));
        assertEquals("m: 'kernel.minimumVersion' must be a version like 0.1.0, not 'latest'",
                problem(with("\"0.1.0\"", "\"latest\"")));
        assertEquals("m: 'kernel': 'abi' is missing or not an integer", problem(with("\"abi\": 1", "\"abi\": \"1\"")));
        assertEquals("m: kernel feature 'Spawn!' is not a feature name (lower-case letters, digits, '_' and '-')",
                problem(with("\"spawn\"", "\"Spawn!\"")));
        assertEquals("m: 'programs' is missing or empty; an image needs at least one entry program",
                problem(with("{ \"hello\": \"bin/hello\", \"cat\": \"bin/cat\" }", "{}")));
        assertEquals("m: program 'hello' names '../hello', which is not a valid object name: the name has a '..' segment",
                problem(with("\"bin/hello\"", "\"../hello\"")));
        assertEquals("m: service 'daemon' is not one of the programs [hello, cat]",
                problem(with("\"services\": []", "\"services\": [\"daemon\"]")));
        assertEquals("m: 'surfaces' must be a list of strings", problem(with("\"surfaces\": []", "\"surfaces\": \"fs\"")));
    }
}
