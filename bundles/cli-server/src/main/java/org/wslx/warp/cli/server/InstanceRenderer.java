package org.wslx.warp.cli.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.wslx.warp.instance.InstanceInfo;
import org.wslx.warp.instance.InstanceSettings;

/** Renders instances as wsl.exe-style text or as JSON for {@code --json}. */
final class InstanceRenderer {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private InstanceRenderer() {
    }

    static String list(List<InstanceInfo> instances, boolean verbose) {
        if (instances.isEmpty()) {
            return "WSLX WARP has no installed instances.\nInstall one with: wslx --import NAME DIR TAR\n";
        }
        StringBuilder text = new StringBuilder();
        if (!verbose) {
            text.append("WSLX WARP instances:\n");
            for (InstanceInfo i : instances) {
                text.append(i.name()).append(i.isDefault() ? " (Default)" : "").append('\n');
            }
            return text.toString();
        }
        int width = "NAME".length();
        for (InstanceInfo i : instances) {
            width = Math.max(width, i.name().length());
        }
        String format = "%s %-" + width + "s  %-9s  %-7s  %s%n";
        text.append(String.format(format, " ", "NAME", "STATE", "BACKEND", "PROCESSES"));
        for (InstanceInfo i : instances) {
            text.append(String.format(format, i.isDefault() ? "*" : " ", i.name(), title(i.state().name()),
                    i.settings().backend(), i.activeProcesses()));
        }
        return text.toString();
    }

    static String info(InstanceInfo i) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, Object> e : fields(i).entrySet()) {
            text.append(String.format("%-18s %s%n", e.getKey() + ":", e.getValue()));
        }
        return text.toString();
    }

    static String json(Object value) {
        try {
            Object tree = value;
            if (value instanceof InstanceInfo i) {
                tree = fields(i);
            } else if (value instanceof List<?> list) {
                List<Object> items = new ArrayList<>();
                for (Object o : list) {
                    items.add(fields((InstanceInfo) o));
                }
                tree = items;
            }
            return JSON.writeValueAsString(tree) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("instance data could not be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> fields(InstanceInfo i) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", i.name());
        f.put("state", i.state().name());
        f.put("reason", i.reason());
        f.put("default", i.isDefault());
        f.put("backend", i.settings().backend());
        f.put("cpus", i.settings().cpus());
        f.put("memoryMiB", i.settings().memoryMiB());
        f.put("idleTimeoutSeconds", i.settings().idleTimeoutSeconds());
        f.put("accelerator", i.accelerator());
        f.put("installDirectory", String.valueOf(i.installDirectory()));
        f.put("rootDisk", String.valueOf(i.rootDisk()));
        if (i.manifest() != null) {
            f.put("personality", i.manifest().personality());
            f.put("os", (i.manifest().osName() + " " + i.manifest().osVersion()).trim());
            f.put("defaultUser", i.manifest().defaultUser());
        }
        f.put("registeredAt", String.valueOf(i.registeredAt()));
        f.put("lastUsed", String.valueOf(i.lastUsed()));
        f.put("activeProcesses", i.activeProcesses());
        return f;
    }

    static String settings(InstanceSettings s) {
        return "backend " + s.backend() + ", " + s.cpus() + (s.cpus() == 1 ? " CPU, " : " CPUs, ") + s.memoryMiB()
                + " MiB";
    }

    private static String title(String constant) {
        return constant.charAt(0) + constant.substring(1).toLowerCase();
    }
}
