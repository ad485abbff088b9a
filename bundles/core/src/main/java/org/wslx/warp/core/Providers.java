package org.wslx.warp.core;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.wslx.warp.backend.Backend;
import org.wslx.warp.boot.BootMethod;
import org.wslx.warp.control.ControlPlane;
import org.wslx.warp.image.ImageFormat;
import org.wslx.warp.image.ImageStore;
import org.wslx.warp.instance.InstanceException;
import org.wslx.warp.personality.Personality;
import org.wslx.warp.policy.PolicyDecision;
import org.wslx.warp.policy.PolicyService;
import org.wslx.warp.policy.PolicySubject;
import org.wslx.warp.surface.IntegrationSurface;

/**
 * Everything the core composes instances from, as currently registered, and the policy gate in
 * front of it. The DS component feeds it through its bind and unbind methods.
 */
final class Providers {
    private final ProviderCatalog<Backend> backends = new ProviderCatalog<>("backend");
    private final ProviderCatalog<Personality> personalities = new ProviderCatalog<>("personality");
    private final ProviderCatalog<BootMethod> bootMethods = new ProviderCatalog<>("boot");
    private final ProviderCatalog<IntegrationSurface> surfaces = new ProviderCatalog<>("surface");
    private final ProviderCatalog<ImageFormat> imageFormats = new ProviderCatalog<>("image");
    // Greedy dynamic references bind the replacement before unbinding the old one, so clearing
    // must only clear the service being unbound.
    private final AtomicReference<ControlPlane> controlPlane = new AtomicReference<>();
    private final AtomicReference<ImageStore> imageStore = new AtomicReference<>();
    private final AtomicReference<PolicyService> policy = new AtomicReference<>();

    ProviderCatalog<Backend> backends() {
        return backends;
    }

    ProviderCatalog<Personality> personalities() {
        return personalities;
    }

    ProviderCatalog<BootMethod> bootMethods() {
        return bootMethods;
    }

    ProviderCatalog<IntegrationSurface> surfaces() {
        return surfaces;
    }

    ProviderCatalog<ImageFormat> imageFormats() {
        return imageFormats;
    }

    void setControlPlane(ControlPlane service) {
        controlPlane.set(service);
    }

    void clearControlPlane(ControlPlane service) {
        controlPlane.compareAndSet(service, null);
    }

    void setImageStore(ImageStore service) {
        imageStore.set(service);
    }

    void clearImageStore(ImageStore service) {
        imageStore.compareAndSet(service, null);
    }

    void setPolicy(PolicyService service) {
        policy.set(service);
    }

    void clearPolicy(PolicyService service) {
        policy.compareAndSet(service, null);
    }

    Optional<PolicyService> policy() {
        return Optional.ofNullable(policy.get());
    }

    ControlPlane controlPlane(String instance) throws InstanceException {
        ControlPlane current = controlPlane.get();
        if (current == null) {
            throw new InstanceException("instance '" + instance + "': no control-plane implementation is installed");
        }
        return current;
    }

    ImageStore imageStore(String instance) throws InstanceException {
        ImageStore current = imageStore.get();
        if (current == null) {
            throw new InstanceException("instance '" + instance + "': no image store is installed");
        }
        return current;
    }

    /**
     * Finds the provider called {@code name} and checks that policy allows both it and the contract
     * version its bundle declares.
     */
    <T> Provider<T> allowed(ProviderCatalog<T> catalog, PolicySubject subject, String name, String instance)
            throws InstanceException {
        String kind = subject.name().toLowerCase();
        Provider<T> provider = catalog.find(name).orElseThrow(() -> new InstanceException("instance '" + instance
                + "': no " + kind + " named '" + name + "' is installed (installed: "
                + catalog.all().stream().map(Provider::name).sorted().toList() + ")"));
        PolicyService gate = policy.get();
        if (gate == null) {
            throw new InstanceException("instance '" + instance + "': no policy service is running, so nothing is allowed");
        }
        PolicyDecision decision = gate.check(subject, name);
        if (!decision.allowed()) {
            throw new InstanceException("instance '" + instance + "': " + kind + " '" + name
                    + "' is not allowed by policy: " + decision.reason());
        }
        if (provider.contractVersion().isPresent()) {
            PolicyDecision contract = gate.checkContract(catalog.contract(), provider.contractVersion().get());
            if (!contract.allowed()) {
                throw new InstanceException("instance '" + instance + "': " + kind + " '" + name + "' implements "
                        + catalog.contract() + " contract " + provider.contractVersion().get()
                        + ", which policy does not allow: " + contract.reason());
            }
        }
        return provider;
    }
}
