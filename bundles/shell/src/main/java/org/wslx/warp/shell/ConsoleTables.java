package org.wslx.warp.shell;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import org.wslx.warp.backend.BackendStatus;
import org.wslx.warp.instance.InstanceInfo;
import org.wslx.warp.personality.PersonalityDescriptor;
import org.wslx.warp.policy.PolicyDecision;
import org.wslx.warp.sandbox.PoolStats;

/** The table layout of each kind of item a {@link Listing} can hold. */
final class ConsoleTables {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private ConsoleTables() {
    }

    /** The rendered table, or null when the items are of a kind this class does not lay out. */
    static String render(List<?> items) {
        Object first = items.get(0);
        TextTable table;
        if (first instanceof InstanceInfo) {
            table = new TextTable(List.of("NAME", "STATE", "DEFAULT", "BACKEND", "CPUS", "MEMORY", "ACCEL", "PROCS"));
            items.forEach(i -> table.row(instanceRow((InstanceInfo) i)));
        } else if (first instanceof ImageEntry) {
            table = new TextTable(List.of("INSTANCE", "PERSONALITY", "OS", "VERSION", "USER", "DISK"));
            items.forEach(i -> table.row(imageRow((ImageEntry) i)));
        } else if (first instanceof BackendEntry) {
            table = new TextTable(List.of("NAME", "AVAILABLE", "VERSION", "ACCEL", "POLICY", "BUNDLE", "CONTRACT",
                    "DETAIL"));
            items.forEach(i -> table.row(backendRow((BackendEntry) i)));
        } else if (first instanceof PersonalityEntry) {
            table = new TextTable(List.of("NAME", "TRACK", "VERSION", "KERNEL", "POLICY", "BUNDLE", "CONTRACT",
                    "DESCRIPTION"));
            items.forEach(i -> table.row(personalityRow((PersonalityEntry) i)));
        } else if (first instanceof ProviderEntry) {
            table = new TextTable(List.of("NAME", "POLICY", "BUNDLE", "CONTRACT"));
            items.forEach(i -> {
                ProviderEntry p = (ProviderEntry) i;
                table.row(List.of(p.name(), verdict(p.allowed()), p.origin().describe(), p.contractVersion()));
            });
        } else if (first instanceof ContractEntry) {
            table = new TextTable(List.of("CONTRACT", "VERSION", "BUNDLE", "POLICY"));
            items.forEach(i -> {
                ContractEntry c = (ContractEntry) i;
                table.row(List.of(c.contract(), c.version(), c.origin().describe(), verdict(c.allowed())));
            });
        } else if (first instanceof SandboxCommands.ImageEntry) {
            table = new TextTable(List.of("IMAGE", "FUNCTIONS", "LOADED", "SOURCE"));
            items.forEach(i -> {
                SandboxCommands.ImageEntry e = (SandboxCommands.ImageEntry) i;
                table.row(List.of(e.name(), String.join(", ", e.functions()), size(e.loadedBytes()),
                        String.valueOf(e.source())));
            });
        } else if (first instanceof PoolStats) {
            table = new TextTable(List.of("IMAGE", "IDLE", "BUSY", "CREATED", "DISCARDED", "CALLS", "FAILURES"));
            items.forEach(i -> {
                PoolStats p = (PoolStats) i;
                table.row(List.of(p.image(), Integer.toString(p.idle()), Integer.toString(p.busy()),
                        Long.toString(p.created()), Long.toString(p.discarded()), Long.toString(p.calls()),
                        Long.toString(p.failures())));
            });
        } else if (first instanceof PolicyDecision) {
            table = new TextTable(List.of("TIME", "SUBJECT", "NAME", "VERDICT", "REASON"));
            items.forEach(i -> {
                PolicyDecision d = (PolicyDecision) i;
                table.row(List.of(TIME.format(d.at()), d.subject().name().toLowerCase(Locale.ROOT), d.name(),
                        d.allowed() ? "allow" : "deny", d.reason()));
            });
        } else {
            return null;
        }
        return table.render();
    }

    static String verdict(boolean allowed) {
        return allowed ? "allowed" : "denied";
    }

    static String size(long bytes) {
        if (bytes < 0) {
            return "missing";
        }
        String[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private static List<String> instanceRow(InstanceInfo i) {
        return List.of(i.name(), i.state().name(), i.isDefault() ? "*" : "",
                i.settings() == null ? "" : i.settings().backend(),
                i.settings() == null ? "" : Integer.toString(i.settings().cpus()),
                i.settings() == null ? "" : i.settings().memoryMiB() + " MiB",
                i.accelerator() == null ? "" : i.accelerator(), Integer.toString(i.activeProcesses()));
    }

    private static List<String> imageRow(ImageEntry e) {
        return List.of(e.instance(), e.personality(), e.osName(), e.osVersion(), e.defaultUser(), size(e.diskBytes()));
    }

    private static List<String> backendRow(BackendEntry e) {
        BackendStatus s = e.status();
        return List.of(s.name(), s.available() ? "yes" : "no", s.version(), s.accelerator(), verdict(e.allowed()),
                e.origin().describe(), e.contractVersion(), s.detail());
    }

    private static List<String> personalityRow(PersonalityEntry e) {
        PersonalityDescriptor d = e.descriptor();
        return List.of(d.name(), d.track(), d.version(), d.kernel(), verdict(e.allowed()), e.origin().describe(),
                e.contractVersion(), d.description());
    }
}
