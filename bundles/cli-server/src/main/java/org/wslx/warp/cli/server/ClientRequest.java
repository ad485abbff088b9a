package org.wslx.warp.cli.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The REQUEST of LINK.md: what the user typed and what their terminal looks like. */
record ClientRequest(List<String> argv, String cwd, Map<String, String> env, boolean stdinIsTty, boolean stdoutIsTty,
        int rows, int cols) {
    private static final ObjectMapper JSON = new ObjectMapper();

    ClientRequest {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    static ClientRequest parse(byte[] json) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("client request is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("argv").isArray() || !root.path("cwd").isTextual()) {
            throw new IOException("client request lacks 'argv' (an array) or 'cwd' (a string)");
        }
        List<String> argv = new ArrayList<>();
        root.get("argv").forEach(a -> argv.add(a.asText()));
        Map<String, String> env = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("env").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            env.put(e.getKey(), e.getValue().asText());
        }
        return new ClientRequest(argv, root.get("cwd").asText(), env, root.path("stdinIsTty").asBoolean(false),
                root.path("stdoutIsTty").asBoolean(false), root.path("rows").asInt(0), root.path("cols").asInt(0));
    }
}
