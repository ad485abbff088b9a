package org.wslx.warp.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

/** Reads the {@code warp.contract} capabilities bundles declare, straight from their revisions. */
final class FrameworkContracts {
    static final String NAMESPACE = "warp.contract";

    private FrameworkContracts() {
    }

    /** Every declared contract of every installed bundle, in bundle-id order. */
    static List<DeclaredContract> scan(BundleContext context) {
        List<DeclaredContract> found = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            ProviderOrigin origin = originOf(bundle);
            origin.declaredContracts().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> found.add(new DeclaredContract(e.getKey(), e.getValue(), origin)));
        }
        return found;
    }

    /** The bundle behind a service, or a placeholder when the service went away meanwhile. */
    static ProviderOrigin originOf(ServiceReference<?> reference) {
        Bundle bundle = reference.getBundle();
        return bundle == null ? new ProviderOrigin(-1, "(unregistered)", "", Map.of()) : originOf(bundle);
    }

    static ProviderOrigin originOf(Bundle bundle) {
        Map<String, String> contracts = new LinkedHashMap<>();
        // An uninstalled bundle has no current revision.
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision != null) {
            for (BundleCapability capability : revision.getDeclaredCapabilities(NAMESPACE)) {
                Object name = capability.getAttributes().get(NAMESPACE);
                Object version = capability.getAttributes().get("version");
                if (name != null) {
                    contracts.put(name.toString(), version == null ? "0.0.0" : version.toString());
                }
            }
        }
        return new ProviderOrigin(bundle.getBundleId(), bundle.getSymbolicName(), bundle.getVersion().toString(),
                contracts);
    }
}
