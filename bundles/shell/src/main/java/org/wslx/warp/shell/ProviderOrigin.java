package org.wslx.warp.shell;

import java.util.Map;

/**
 * The bundle a provider service comes from and the contract versions that bundle declares in the
 * {@code warp.contract} namespace.
 *
 * @param bundleId          the framework's bundle id
 * @param symbolicName      the bundle symbolic name
 * @param version           the bundle version
 * @param declaredContracts contract name to declared version, e.g. {@code backend -> 1.0.0}
 */
public record ProviderOrigin(long bundleId, String symbolicName, String version, Map<String, String> declaredContracts) {
    public ProviderOrigin {
        declaredContracts = Map.copyOf(declaredContracts);
    }

    /** The declared version of {@code contract}, or {@code "undeclared"} when the bundle names none. */
    public String contractVersion(String contract) {
        return declaredContracts.getOrDefault(contract, "undeclared");
    }

    /** {@code symbolicName version [id]}, as the console shows it. */
    public String describe() {
        return symbolicName + " " + version + " [" + bundleId + "]";
    }
}
