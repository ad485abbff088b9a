package org.wslx.warp.core;

import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.wslx.warp.policy.PolicyService;
import org.wslx.warp.policy.PolicySubject;
import org.wslx.warp.surface.IntegrationSurface;
import org.wslx.warp.surface.SurfaceAttachment;
import org.wslx.warp.surface.SurfaceContext;
import org.wslx.warp.surface.SurfaceException;

/**
 * Keeps the attached surfaces in line with policy: a surface is attached to a running instance
 * exactly while policy allows it, and detached when policy withdraws it, its bundle goes away or
 * the instance stops. Surfaces are off unless policy names them.
 */
final class SurfaceCoordinator {
    private static final System.Logger LOG = System.getLogger(SurfaceCoordinator.class.getName());

    private final Providers providers;
    /** instance name → surface name → attachment. */
    private final Map<String, Map<String, SurfaceAttachment>> attached = new ConcurrentHashMap<>();

    SurfaceCoordinator(Providers providers) {
        this.providers = providers;
    }

    synchronized void attachAllowed(String instance, Boot boot) {
        Optional<PolicyService> policy = providers.policy();
        if (policy.isEmpty()) {
            return;
        }
        Map<String, SurfaceAttachment> mine = attached.computeIfAbsent(instance, k -> new ConcurrentHashMap<>());
        for (Provider<IntegrationSurface> surface : providers.surfaces().all()) {
            if (mine.containsKey(surface.name())
                    || !policy.get().check(PolicySubject.SURFACE, surface.name()).allowed()) {
                continue;
            }
            try {
                mine.put(surface.name(), surface.service().attach(new SurfaceContext(instance, boot.session(), Map.of())));
                LOG.log(Level.INFO, "surface ''{0}'' attached to instance ''{1}''", surface.name(), instance);
            } catch (SurfaceException | RuntimeException e) {
                LOG.log(Level.WARNING, "surface ''{0}'' could not attach to instance ''{1}'': {2}", surface.name(),
                        instance, e.getMessage());
            }
        }
    }

    /** Detaches what policy no longer allows and attaches what it now allows. */
    synchronized void reconcile(Collection<String> instances, Function<String, Optional<Boot>> boots) {
        Optional<PolicyService> policy = providers.policy();
        for (String instance : instances) {
            Map<String, SurfaceAttachment> mine = attached.getOrDefault(instance, Map.of());
            for (String surface : mine.keySet()) {
                if (policy.isEmpty() || !policy.get().check(PolicySubject.SURFACE, surface).allowed()) {
                    detach(instance, surface, "policy withdrew it");
                }
            }
            boots.apply(instance).ifPresent(boot -> attachAllowed(instance, boot));
        }
    }

    synchronized void detachSurface(String surface) {
        for (String instance : attached.keySet()) {
            detach(instance, surface, "its provider was removed");
        }
    }

    synchronized void detachAll(String instance) {
        Map<String, SurfaceAttachment> mine = attached.remove(instance);
        if (mine != null) {
            mine.values().forEach(SurfaceAttachment::close);
        }
    }

    private void detach(String instance, String surface, String why) {
        Map<String, SurfaceAttachment> mine = attached.get(instance);
        SurfaceAttachment attachment = mine == null ? null : mine.remove(surface);
        if (attachment != null) {
            attachment.close();
            LOG.log(Level.INFO, "surface ''{0}'' detached from instance ''{1}'': {2}", surface, instance, why);
        }
    }
}
