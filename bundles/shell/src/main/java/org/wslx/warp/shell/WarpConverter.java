package org.wslx.warp.shell;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Component;
import org.wslx.warp.instance.InstanceInfo;
import org.wslx.warp.instance.InstanceSettings;
import org.wslx.warp.policy.PolicyDecision;
import org.wslx.warp.policy.PolicyDocument;
import org.wslx.warp.sandbox.PoolStats;

/**
 * Formats WARP's objects for the Gogo console: listings as tables, single objects as
 * {@code key: value} blocks, and a one-line summary when an object is printed inside something else.
 * Commands keep returning the objects, so pipelines still see the data.
 */
@Component(service = Converter.class, property = Converter.CONVERTER_CLASSES + "="
        + "org.wslx.warp.shell.Listing,org.wslx.warp.shell.ExecResult,org.wslx.warp.instance.InstanceInfo,"
        + "org.wslx.warp.policy.PolicyDocument,org.wslx.warp.policy.PolicyDecision,"
        + "org.wslx.warp.shell.SandboxCommands$ImageEntry,org.wslx.warp.shell.SandboxCommands$CallOutput,"
        + "org.wslx.warp.sandbox.PoolStats")
public final class WarpConverter implements Converter {
    @Override
    public Object convert(Class<?> desiredType, Object in) {
        // Only formatting is offered; Gogo's own coercions handle the command arguments.
        return null;
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        if (target instanceof Listing<?> listing) {
            return formatListing(listing, level);
        }
        if (target instanceof InstanceInfo info) {
            return level == INSPECT ? block(instanceFields(info)) : info.name() + " " + info.state();
        }
        if (target instanceof PolicyDocument document) {
            return level == INSPECT ? block(policyFields(document)) : oneLine(policyFields(document));
        }
        if (target instanceof PolicyDecision decision) {
            return (decision.allowed() ? "allow: " : "deny: ") + decision.reason();
        }
        if (target instanceof ExecResult result) {
            return level == INSPECT ? formatExec(result) : "exit " + result.exitCode();
        }
        if (target instanceof SandboxCommands.ImageEntry image) {
            return level == INSPECT ? block(sandboxImageFields(image))
                    : image.name() + " (" + image.functions().size() + " functions)";
        }
        if (target instanceof SandboxCommands.CallOutput output) {
            return level == INSPECT ? block(callFields(output))
                    : output.image() + " " + output.function() + ": " + output.bytes() + " bytes in "
                            + micros(output.micros());
        }
        if (target instanceof PoolStats stats) {
            return level == INSPECT ? block(poolFields(stats))
                    : stats.image() + ": " + stats.idle() + " idle, " + stats.busy() + " busy, " + stats.calls() + " calls";
        }
        return null;
    }

    private static CharSequence formatListing(Listing<?> listing, int level) {
        if (level != INSPECT) {
            return listing.items().size() + " " + listing.noun();
        }
        if (listing.items().isEmpty()) {
            return "no " + listing.noun();
        }
        return ConsoleTables.render(listing.items());
    }

    private static String formatExec(ExecResult result) {
        StringBuilder out = new StringBuilder(result.stdout());
        if (!result.stderr().isEmpty()) {
            if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
                out.append('\n');
            }
            out.append("--- stderr ---\n").append(result.stderr());
        }
        if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
            out.append('\n');
        }
        return out.append("exit code ").append(result.exitCode()).append(" (").append(result.status()).append(')')
                .toString();
    }

    private static Map<String, String> instanceFields(InstanceInfo info) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", info.name());
        fields.put("state", info.reason() == null || info.reason().isEmpty() ? info.state().name()
                : info.state() + " (" + info.reason() + ")");
        fields.put("default", info.isDefault() ? "yes" : "no");
        InstanceSettings settings = info.settings();
        if (settings != null) {
            fields.put("backend", settings.backend());
            fields.put("cpus", Integer.toString(settings.cpus()));
            fields.put("memory", settings.memoryMiB() + " MiB");
            fields.put("idle timeout", settings.idleTimeoutSeconds() == 0 ? "never"
                    : settings.idleTimeoutSeconds() + " s");
        }
        fields.put("accelerator", info.accelerator() == null || info.accelerator().isEmpty() ? "-" : info.accelerator());
        if (info.manifest() != null) {
            fields.put("personality", info.manifest().personality());
            fields.put("os", (info.manifest().osName() + " " + info.manifest().osVersion()).trim());
            fields.put("default user", info.manifest().defaultUser());
        }
        fields.put("install directory", String.valueOf(info.installDirectory()));
        fields.put("root disk", String.valueOf(info.rootDisk()));
        fields.put("registered", info.registeredAt() == null ? "-" : ConsoleTables.TIME.format(info.registeredAt()));
        fields.put("last used", info.lastUsed() == null ? "-" : ConsoleTables.TIME.format(info.lastUsed()));
        fields.put("processes", Integer.toString(info.activeProcesses()));
        return fields;
    }

    private static Map<String, String> policyFields(PolicyDocument document) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("backends", names(document.backends()));
        fields.put("personalities", names(document.personalities()));
        fields.put("surfaces", names(document.surfaces()));
        fields.put("contracts", document.contracts().isEmpty() ? "(any version)"
                : new java.util.TreeMap<>(document.contracts()).toString());
        return fields;
    }

    private static Map<String, String> sandboxImageFields(SandboxCommands.ImageEntry image) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("image", image.name());
        fields.put("functions", image.functions().isEmpty() ? "(none)" : String.join(", ", image.functions()));
        fields.put("loaded", ConsoleTables.size(image.loadedBytes()));
        fields.put("source", String.valueOf(image.source()));
        return fields;
    }

    private static Map<String, String> callFields(SandboxCommands.CallOutput output) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("image", output.image());
        fields.put("function", output.function());
        fields.put("time", micros(output.micros()));
        fields.put("output", output.bytes() == 1 ? "1 byte" : output.bytes() + " bytes");
        if (output.text() != null) {
            fields.put("text", output.text());
        }
        fields.put("hex", output.hex().isEmpty() ? "(empty)" : output.hex());
        return fields;
    }

    private static Map<String, String> poolFields(PoolStats stats) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("image", stats.image());
        fields.put("idle", Integer.toString(stats.idle()));
        fields.put("busy", Integer.toString(stats.busy()));
        fields.put("created", Long.toString(stats.created()));
        fields.put("discarded", Long.toString(stats.discarded()));
        fields.put("calls", Long.toString(stats.calls()));
        fields.put("failures", Long.toString(stats.failures()));
        return fields;
    }

    private static String micros(double micros) {
        return micros >= 10_000 ? String.format(Locale.ROOT, "%.1f ms", micros / 1000)
                : String.format(Locale.ROOT, "%.1f µs", micros);
    }
    private static String oneLine(Map<String, String> fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((key, value) -> out.append(out.length() == 0 ? "" : "; ").append(key).append(' ').append(value));
        return out.toString();
    }

    private static String names(java.util.List<String> names) {
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }

    private static String block(Map<String, String> fields) {
        int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder();
        fields.forEach((key, value) -> {
            if (out.length() > 0) {
                out.append('\n');
            }
            // Continuation lines of a multi-line value line up under its first line.
            out.append(key).append(':').append(" ".repeat(width - key.length() + 1))
                    .append(value.replace("\n", "\n" + " ".repeat(width + 2)));
        });
        return out.toString();
    }
}
