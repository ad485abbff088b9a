package org.wslx.warp.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

/**
 * The providers of one contract currently in the service registry, by name. DS binds and unbinds
 * them dynamically, so a bundle installed at run time is usable at once and one removed is gone at
 * once.
 */
final class ProviderCatalog<T> {
    static final String CONTRACT_NAMESPACE = "warp.contract";

    private final String contract;
    private final Map<String, Provider<T>> byName = new ConcurrentHashMap<>();

    ProviderCatalog(String contract) {
        this.contract = contract;
    }

    String contract() {
        return contract;
    }

    Provider<T> add(String name, T service, ServiceReference<?> reference) {
        Bundle bundle = reference.getBundle();
        String bundleName = bundle == null ? "?" : bundle.getSymbolicName() + " " + bundle.getVersion();
        Provider<T> provider = new Provider<>(name, service, bundleName, declaredContractVersion(bundle, contract));
        byName.put(name, provider);
        return provider;
    }

    /** Removes the entry for {@code service}; returns its name if it was present. */
    Optional<String> remove(T service) {
        for (Provider<T> p : byName.values()) {
            if (p.service() == service && byName.remove(p.name(), p)) {
                return Optional.of(p.name());
            }
        }
        return Optional.empty();
    }

    Optional<Provider<T>> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    List<Provider<T>> all() {
        return new ArrayList<>(byName.values());
    }

    /** The version of {@code contractName} a bundle declares in the warp.contract namespace. */
    static Optional<String> declaredContractVersion(Bundle bundle, String contractName) {
        BundleRevision revision = bundle == null ? null : bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return Optional.empty();
        }
        for (BundleCapability capability : revision.getDeclaredCapabilities(CONTRACT_NAMESPACE)) {
            Map<String, Object> attributes = capability.getAttributes();
            if (contractName.equals(attributes.get(CONTRACT_NAMESPACE))) {
                Object version = attributes.get("version");
                return Optional.of(version == null ? "0.0.0" : version.toString());
            }
        }
        return Optional.empty();
    }
}
