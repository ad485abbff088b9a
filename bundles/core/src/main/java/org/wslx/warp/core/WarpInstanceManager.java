package org.wslx.warp.core;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.wslx.warp.backend.Backend;
import org.wslx.warp.boot.BootMethod;
import org.wslx.warp.control.Capability;
import org.wslx.warp.control.ControlPlane;
import org.wslx.warp.control.ExecRequest;
import org.wslx.warp.control.GuestProcess;
import org.wslx.warp.image.ImageException;
import org.wslx.warp.image.ImageFormat;
import org.wslx.warp.image.ImageStore;
import org.wslx.warp.image.ImportedImage;
import org.wslx.warp.instance.InstanceException;
import org.wslx.warp.instance.InstanceInfo;
import org.wslx.warp.instance.InstanceManager;
import org.wslx.warp.instance.InstanceSettings;
import org.wslx.warp.instance.InstanceState;
import org.wslx.warp.paths.WarpPaths;
import org.wslx.warp.personality.Personality;
import org.wslx.warp.policy.PolicyService;
import org.wslx.warp.policy.PolicySubject;
import org.wslx.warp.surface.IntegrationSurface;

/**
 * The WARP service core: the instance registry and every instance's lifecycle, composed from
 * whatever backends, personalities, boot methods and surfaces are registered right now.
 */
@Component(service = InstanceManager.class, immediate = true)
public class WarpInstanceManager implements InstanceManager {
    private static final System.Logger LOG = System.getLogger(WarpInstanceManager.class.getName());
    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    static final String DEFAULT_IMAGE_PROPERTY = "warp.default.image";
    static final String DEFAULT_IMAGE_NAME_PROPERTY = "warp.default.image.name";
    static final String BOOT_TIMEOUT_PROPERTY = "warp.boot.timeoutSeconds";
    /** How long a request waits for the framework to finish starting its bundles. */

    private final Providers providers = new Providers();
    private final ImageRouter images = new ImageRouter(providers);
    private final Map<String, LiveInstance> live = new ConcurrentHashMap<>();
    private final ExecutorService bootExecutor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "warp-boot");
        t.setDaemon(true);
        return t;
    });
    private WarpDirectories directories;
    private InstanceRegistry registry;
    private InstanceBooter booter;
    private IdleReaper reaper;
    private SurfaceCoordinator surfaces;
    private String defaultImage;
    private String defaultImageName;
    private volatile boolean defaultImageTried;
    private final Runnable policyListener = this::policyChanged;
    private InstancesStopAtExit stopAtExit;

    @Activate
    void activate(BundleContext context) throws IOException {
        directories = new WarpDirectories(WarpPaths.resolve(context::getProperty, System::getenv));
        registry = InstanceRegistry.load(directories.registryFile());
        for (InstanceRecord record : registry.all()) {
            live.put(record.name(), new LiveInstance(record.name(),
                    record.everBooted() ? InstanceState.STOPPED : InstanceState.REGISTERED));
        }
        String timeout = context.getProperty(BOOT_TIMEOUT_PROPERTY);
        booter = new InstanceBooter(providers, Duration.ofSeconds(timeout == null ? 120 : Long.parseLong(timeout)));
        defaultImage = context.getProperty(DEFAULT_IMAGE_PROPERTY);
        String imageName = context.getProperty(DEFAULT_IMAGE_NAME_PROPERTY);
        defaultImageName = imageName == null ? "default" : imageName;
        surfaces = new SurfaceCoordinator(providers);
        reaper = new IdleReaper(this::idleCandidates, (name, why) -> stopInstance(name, why));
        providers.policy().ifPresent(p -> p.addListener(policyListener));
        stopAtExit = new InstancesStopAtExit(this::shutdownAll);
        LOG.log(Level.INFO, "WARP core started: {0} instance(s) registered in {1}", live.size(), directories.data());
    }

    @Deactivate
    void deactivate() {
        stopAtExit.close();
        reaper.close();
        shutdownAll();
        bootExecutor.shutdownNow();
    }

    // --- InstanceManager -------------------------------------------------------------------

    @Override
    public List<InstanceInfo> list() {
        ensureDefaultImage();
        return registry.all().stream().map(this::describe).toList();
    }

    @Override
    public InstanceInfo info(String name) throws InstanceException {
        return describe(record(name));
    }

    @Override
    public InstanceInfo importInstance(String name, Path installDirectory, Path source) throws InstanceException {
        if (name == null || !VALID_NAME.matcher(name).matches()) {
            throw new InstanceException("instance name '" + name + "' is not valid: use 1 to 64 letters, digits, "
                    + "'.', '_' or '-', starting with a letter or digit");
        }
        synchronized (registry) {
            if (registry.find(name).isPresent()) {
                throw new InstanceException("instance '" + name + "' is already registered");
            }
            Path directory = installDirectory != null ? installDirectory : directories.instancesHome().resolve(name);
            try {
                ImportedImage image = images.importImage(name, source, directory);
                InstanceRecord record = InstanceRecord.of(name, directory, image.rootDisk(), image.manifest(),
                        InstanceSettings.DEFAULTS);
                registry.add(record);
                live.put(name, new LiveInstance(name, InstanceState.REGISTERED));
                LOG.log(Level.INFO, "instance ''{0}'' imported from {1} into {2}", name, source, directory);
                return describe(record);
            } catch (ImageException e) {
                throw new InstanceException("instance '" + name + "': import failed: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new InstanceException("instance '" + name + "': cannot save the registry: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void exportInstance(String name, Path target) throws InstanceException {
        InstanceRecord record = record(name);
        stopInstance(name, "exporting");
        try {
            images.exportImage(name, record, target);
        } catch (ImageException e) {
            throw new InstanceException("instance '" + name + "': export failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void unregister(String name) throws InstanceException {
        InstanceRecord record = record(name);
        stopInstance(name, "unregistering");
        try {
            images.deleteImage(name, record);
            registry.remove(name);
            live.remove(name);
        } catch (ImageException | IOException e) {
            throw new InstanceException("instance '" + name + "': unregister failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void setDefault(String name) throws InstanceException {
        record(name);
        try {
            registry.setDefault(name);
        } catch (IOException e) {
            throw new InstanceException("instance '" + name + "': cannot save the registry: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> defaultInstance() {
        ensureDefaultImage();
        return registry.defaultInstance();
    }

    @Override
    public InstanceInfo configure(String name, InstanceSettings settings) throws InstanceException {
        InstanceRecord record = record(name);
        if (settings.cpus() < 1 || settings.memoryMiB() < 64 || settings.idleTimeoutSeconds() < 0
                || settings.backend() == null || settings.backend().isBlank()) {
            throw new InstanceException("instance '" + name + "': settings " + settings
                    + " are not valid (need a backend, cpus >= 1, memory >= 64 MiB, idle timeout >= 0)");
        }
        InstanceRecord updated = record.withSettings(settings);
        try {
            registry.update(updated);
        } catch (IOException e) {
            throw new InstanceException("instance '" + name + "': cannot save the registry: " + e.getMessage(), e);
        }
        return describe(updated);
    }

    @Override
    public InstanceInfo start(String name) throws InstanceException {
        running(name);
        return info(name);
    }

    @Override
    public void terminate(String name) throws InstanceException {
        record(name);
        stopInstance(name, "terminated");
    }

    @Override
    public void shutdownAll() {
        // In parallel, and each on its own: one machine that is slow or fails to stop must not
        // keep the others running (this also runs from the JVM's exit hook, where time is short).
        List<Thread> stoppers = live.keySet().stream().map(name -> new Thread(() -> {
            try {
                stopInstance(name, "shutdown");
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "instance ''{0}'': stopping failed: {1}", name, e.toString());
            }
        }, "warp-stop-" + name)).toList();
        stoppers.forEach(Thread::start);
        for (Thread stopper : stoppers) {
            try {
                stopper.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public GuestProcess exec(String name, ExecRequest request) throws InstanceException {
        InstanceRecord record = record(name);
        Boot boot = running(name);
        // A guest without users (no USERS capability, e.g. a Track B kernel) runs every program as
        // its only principal; naming the image's default user to it would only be refused.
        boolean guestHasUsers = boot.session().guest().capabilities().contains(Capability.USERS);
        ExecRequest effective = request.user().isEmpty() && guestHasUsers
                ? request.withUser(record.manifest().defaultUser()) : request;
        // A guest without pseudo-terminals (e.g. a Track B kernel) still runs the command, on pipes,
        // as wsl.exe does when its output is not a console; the caller learns it from terminal().
        if (effective.terminal() != null && !boot.session().guest().capabilities().contains(Capability.PTY)) {
            effective = new ExecRequest(effective.argv(), effective.environment(), effective.workingDirectory(),
                    effective.user(), null);
        }
        return instance(name).exec(boot, effective);
    }

    // --- internals --------------------------------------------------------------------------

    private Boot running(String name) throws InstanceException {
        InstanceRecord record = record(name);
        LiveInstance instance = instance(name);
        Boot boot = instance.ensureRunning(
                () -> booter.boot(record, directories.bootDirectory(name)), bootExecutor);
        surfaces.attachAllowed(name, boot);
        return boot;
    }

    private void stopInstance(String name, String why) {
        LiveInstance instance = live.get(name);
        if (instance != null) {
            surfaces.detachAll(name);
            instance.stop(why);
            // Last use is kept in memory while the instance runs and written once, when it stops.
            touch(name, instance.lastActivity());
        }
    }

    private void touch(String name, Instant when) {
        registry.find(name).ifPresent(r -> {
            try {
                registry.update(r.used(when));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "instance ''{0}'': cannot record last use: {1}", name, e.getMessage());
            }
        });
    }

    private List<LiveInstance> idleCandidates() {
        return live.values().stream().filter(i -> i.state() == InstanceState.RUNNING).filter(i -> {
            int timeout = registry.find(i.name()).map(r -> r.settings().idleTimeoutSeconds()).orElse(0);
            return timeout > 0 && i.activeProcesses() == 0
                    && i.lastActivity().plusSeconds(timeout).isBefore(Instant.now());
        }).toList();
    }

    private InstanceRecord record(String name) throws InstanceException {
        return registry.find(name).orElseThrow(() -> new InstanceException("instance '" + name + "' is not registered"));
    }

    private LiveInstance instance(String name) throws InstanceException {
        LiveInstance instance = live.get(name);
        if (instance == null) {
            throw new InstanceException("instance '" + name + "' is not registered");
        }
        return instance;
    }

    private InstanceInfo describe(InstanceRecord record) {
        LiveInstance instance = live.get(record.name());
        InstanceState state = instance == null ? InstanceState.REGISTERED : instance.state();
        String accelerator = instance == null ? ""
                : instance.currentBoot().map(b -> b.machine().accelerator()).orElse("");
        Instant lastUsed = state.isLive() ? instance.lastActivity() : Instant.parse(record.lastUsed());
        return new InstanceInfo(record.name(), state, instance == null ? "" : instance.reason(),
                record.name().equals(registry.defaultInstance().orElse(null)), record.settings(), accelerator,
                record.installPath(), record.rootDiskPath(), record.manifest(), Instant.parse(record.registeredAt()),
                lastUsed, instance == null ? 0 : instance.activeProcesses());
    }

    /** The first time anyone asks and nothing is registered, import the bundled default image. */
    private void ensureDefaultImage() {
        if (defaultImageTried || defaultImage == null || !registry.all().isEmpty()) {
            return;
        }
        synchronized (this) {
            if (defaultImageTried) {
                return;
            }
            defaultImageTried = true;
            if (!Files.isRegularFile(Path.of(defaultImage))) {
                LOG.log(Level.WARNING, "default image ''{0}'' does not exist; build the project to create it", defaultImage);
                return;
            }
            try {
                importInstance(defaultImageName, null, Path.of(defaultImage));
            } catch (InstanceException e) {
                LOG.log(Level.ERROR, "cannot import the default image: {0}", e.getMessage());
            }
        }
    }

    private void policyChanged() {
        providers.policy().ifPresent(policy -> {
            for (LiveInstance instance : live.values()) {
                instance.currentBoot().ifPresent(boot -> {
                    if (!policy.check(PolicySubject.BACKEND, boot.backend()).allowed()) {
                        stopInstance(instance.name(), "policy no longer allows backend '" + boot.backend() + "'");
                    }
                });
            }
        });
        surfaces.reconcile(live.keySet(), name -> Optional.ofNullable(live.get(name)).flatMap(LiveInstance::currentBoot));
    }

    // --- service wiring (dynamic: bundles come and go while instances run) ----------------------

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBackend(Backend backend, ServiceReference<Backend> reference) {
        providers.backends().add(backend.name(), backend, reference);
        LOG.log(Level.INFO, "backend ''{0}'' registered", backend.name());
    }

    void unbindBackend(Backend backend) {
        providers.backends().remove(backend).ifPresent(name -> {
            for (LiveInstance instance : live.values()) {
                if (instance.currentBoot().map(b -> b.backend().equals(name)).orElse(false)) {
                    stopInstance(instance.name(), "backend '" + name + "' was removed");
                }
            }
            LOG.log(Level.INFO, "backend ''{0}'' removed", name);
        });
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindPersonality(Personality personality, ServiceReference<Personality> reference) {
        providers.personalities().add(personality.descriptor().name(), personality, reference);
        LOG.log(Level.INFO, "personality ''{0}'' registered", personality.descriptor().name());
    }

    void unbindPersonality(Personality personality) {
        providers.personalities().remove(personality);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBootMethod(BootMethod method, ServiceReference<BootMethod> reference) {
        providers.bootMethods().add(method.name(), method, reference);
    }

    void unbindBootMethod(BootMethod method) {
        providers.bootMethods().remove(method);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSurface(IntegrationSurface surface, ServiceReference<IntegrationSurface> reference) {
        providers.surfaces().add(surface.name(), surface, reference);
        if (surfaces != null) {
            surfaces.reconcile(live.keySet(), n -> Optional.ofNullable(live.get(n)).flatMap(LiveInstance::currentBoot));
        }
    }

    void unbindSurface(IntegrationSurface surface) {
        providers.surfaces().remove(surface).ifPresent(name -> surfaces.detachSurface(name));
    }

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindControlPlane(ControlPlane controlPlane) {
        providers.setControlPlane(controlPlane);
    }

    void unbindControlPlane(ControlPlane controlPlane) {
        providers.clearControlPlane(controlPlane);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindImageFormat(ImageFormat format, ServiceReference<ImageFormat> reference) {
        providers.imageFormats().add(format.name(), format, reference);
        LOG.log(Level.INFO, "image format ''{0}'' registered", format.name());
    }

    void unbindImageFormat(ImageFormat format) {
        providers.imageFormats().remove(format);
    }

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindImageStore(ImageStore store) {
        providers.setImageStore(store);
    }

    void unbindImageStore(ImageStore store) {
        providers.clearImageStore(store);
    }

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindPolicy(PolicyService policy) {
        providers.setPolicy(policy);
        if (reaper != null) {
            policy.addListener(policyListener);
        }
    }

    void unbindPolicy(PolicyService policy) {
        policy.removeListener(policyListener);
        providers.clearPolicy(policy);
    }
}
