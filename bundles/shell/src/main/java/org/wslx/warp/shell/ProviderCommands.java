package org.wslx.warp.shell;

import java.util.List;
import java.util.function.Supplier;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.wslx.warp.backend.Backend;
import org.wslx.warp.boot.BootMethod;
import org.wslx.warp.personality.Personality;
import org.wslx.warp.policy.PolicyDecision;
import org.wslx.warp.policy.PolicyService;
import org.wslx.warp.policy.PolicySubject;
import org.wslx.warp.surface.IntegrationSurface;

/** Gogo commands that show the installed providers, the contracts they declare, and policy's view of them. */
@Component(service = ProviderCommands.class, property = {
        "osgi.command.scope=warp",
        "osgi.command.function=backends",
        "osgi.command.function=personalities",
        "osgi.command.function=bootmethods",
        "osgi.command.function=surfaces",
        "osgi.command.function=contracts" })
public final class ProviderCommands {
    private final PolicyService policy;
    private final Supplier<List<DeclaredContract>> contractScanner;
    private final ProviderSet<Backend> backendSet = new ProviderSet<>();
    private final ProviderSet<Personality> personalitySet = new ProviderSet<>();
    private final ProviderSet<BootMethod> bootMethodSet = new ProviderSet<>();
    private final ProviderSet<IntegrationSurface> surfaceSet = new ProviderSet<>();

    @Activate
    public ProviderCommands(BundleContext context, @Reference(name = "policy") PolicyService policy) {
        this(policy, () -> FrameworkContracts.scan(context));
    }

    ProviderCommands(PolicyService policy, Supplier<List<DeclaredContract>> contractScanner) {
        this.policy = policy;
        this.contractScanner = contractScanner;
    }

    @Descriptor("lists the hypervisor backends: availability, version, accelerator, policy, providing bundle")
    public Listing<BackendEntry> backends() {
        return new Listing<>("backends", backendSet.sortedBy(Backend::name).stream()
                .map(p -> new BackendEntry(p.service().status(), allowed(PolicySubject.BACKEND, p.service().name()),
                        p.origin(), p.origin().contractVersion("backend")))
                .toList());
    }

    @Descriptor("lists the guest personalities with their descriptors, policy and providing bundle")
    public Listing<PersonalityEntry> personalities() {
        return new Listing<>("personalities", personalitySet.sortedBy(p -> p.descriptor().name()).stream()
                .map(p -> new PersonalityEntry(p.service().descriptor(),
                        allowed(PolicySubject.PERSONALITY, p.service().descriptor().name()), p.origin(),
                        p.origin().contractVersion("personality")))
                .toList());
    }

    @Descriptor("lists the boot methods and their providing bundles")
    public Listing<ProviderEntry> bootmethods() {
        return new Listing<>("boot methods", bootMethodSet.sortedBy(BootMethod::name).stream()
                .map(p -> new ProviderEntry(p.service().name(), true, p.origin(), p.origin().contractVersion("boot")))
                .toList());
    }

    @Descriptor("lists the integration surfaces, whether policy allows each, and their providing bundles")
    public Listing<ProviderEntry> surfaces() {
        return new Listing<>("surfaces", surfaceSet.sortedBy(IntegrationSurface::name).stream()
                .map(p -> new ProviderEntry(p.service().name(), allowed(PolicySubject.SURFACE, p.service().name()),
                        p.origin(), surfaceContractVersion(p.origin())))
                .toList());
    }

    @Descriptor("lists every warp.contract capability in the framework and whether policy allows its version")
    public Listing<ContractEntry> contracts() {
        return new Listing<>("contracts", contractScanner.get().stream().map(declared -> {
            PolicyDecision decision = policy.checkContract(declared.contract(), declared.version());
            return new ContractEntry(declared.contract(), declared.version(), declared.origin(), decision.allowed(),
                    decision.reason());
        }).toList());
    }

    private boolean allowed(PolicySubject subject, String name) {
        return policy.check(subject, name).allowed();
    }

    /** Surface bundles declare their own contract, e.g. {@code surface.fs}, so take whichever surface one they name. */
    private static String surfaceContractVersion(ProviderOrigin origin) {
        return origin.declaredContracts().entrySet().stream()
                .filter(e -> e.getKey().startsWith("surface"))
                .map(e -> e.getKey() + " " + e.getValue())
                .findFirst().orElse("undeclared");
    }

    void addBackend(Object key, Backend backend, ProviderOrigin origin) {
        backendSet.add(key, backend, origin);
    }

    void addPersonality(Object key, Personality personality, ProviderOrigin origin) {
        personalitySet.add(key, personality, origin);
    }

    void addBootMethod(Object key, BootMethod bootMethod, ProviderOrigin origin) {
        bootMethodSet.add(key, bootMethod, origin);
    }

    void addSurface(Object key, IntegrationSurface surface, ProviderOrigin origin) {
        surfaceSet.add(key, surface, origin);
    }

    void removeProvider(Object key) {
        backendSet.remove(key);
        personalitySet.remove(key);
        bootMethodSet.remove(key);
        surfaceSet.remove(key);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBackend(Backend backend, ServiceReference<Backend> reference) {
        addBackend(reference, backend, FrameworkContracts.originOf(reference));
    }

    void unbindBackend(ServiceReference<Backend> reference) {
        removeProvider(reference);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindPersonality(Personality personality, ServiceReference<Personality> reference) {
        addPersonality(reference, personality, FrameworkContracts.originOf(reference));
    }

    void unbindPersonality(ServiceReference<Personality> reference) {
        removeProvider(reference);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBootMethod(BootMethod bootMethod, ServiceReference<BootMethod> reference) {
        addBootMethod(reference, bootMethod, FrameworkContracts.originOf(reference));
    }

    void unbindBootMethod(ServiceReference<BootMethod> reference) {
        removeProvider(reference);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSurface(IntegrationSurface surface, ServiceReference<IntegrationSurface> reference) {
        addSurface(reference, surface, FrameworkContracts.originOf(reference));
    }

    void unbindSurface(ServiceReference<IntegrationSurface> reference) {
        removeProvider(reference);
    }
}
