package org.wslx.warp.cli.server;

import org.wslx.warp.instance.InstanceSettings;

/** Turns one {@code --manage} option into new settings, checking the value's form (the core checks the rest). */
final class InstanceSettingsChange {
    private InstanceSettingsChange() {
    }

    static InstanceSettings apply(InstanceSettings current, String setting, String value) throws UsageException {
        InstanceSettings base = current == null ? InstanceSettings.DEFAULTS : current;
        return switch (setting) {
            case "--set-backend" -> {
                if (!value.matches("[a-z][a-z0-9-]*")) {
                    throw new UsageException("'--set-backend' needs a backend name such as qemu or kvm, not '" + value + "'");
                }
                yield new InstanceSettings(value, base.cpus(), base.memoryMiB(), base.idleTimeoutSeconds());
            }
            case "--set-memory" -> new InstanceSettings(base.backend(), base.cpus(),
                    positive(setting, value, "MiB"), base.idleTimeoutSeconds());
            case "--set-cpus" -> new InstanceSettings(base.backend(), positive(setting, value, "CPUs"),
                    base.memoryMiB(), base.idleTimeoutSeconds());
            default -> throw new UsageException("'--manage' cannot change '" + setting + "'");
        };
    }

    private static int positive(String setting, String value, String unit) throws UsageException {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("'" + setting + "' needs a positive number of " + unit + ", not '" + value + "'");
    }
}
