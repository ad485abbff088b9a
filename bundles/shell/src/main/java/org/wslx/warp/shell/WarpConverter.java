package org.wslx.warp.shell;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.felix.service.command.Converter;
import org.osgi.service.component.annotations.Component;
import org.wslx.warp.instance.InstanceInfo;
import org.wslx.warp.instance.InstanceSettings;
import org.wslx.warp.policy.PolicyDecision;
import org.wslx.warp.policy.PolicyDocument;

/**
 * Formats WARP's objects for the Gogo console: listings as tables, single objects as
 * {@code key: value} blocks, and a one-line summary when an object is printed inside something else.
 * Commands keep returning the objects, so pipelines still see the data.
 */
@Component(service = Converter.class, property = Converter.CONVERTER_CLASSES + "="
        + "org.wslx.warp.shell.Listing,org.wslx.warp.shell.ExecResult,org.wslx.warp.instance.InstanceInfo,"
        + "org.wslx.warp.policy.PolicyDocument,org.wslx.warp.policy.PolicyDecision")
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
            out.append(key).append(':').append(" ".repeat(width - key.length() + 1)).append(value);
        });
        return out.toString();
    }
}
