package org.wslx.warp.sandbox.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.wslx.warp.sandbox.PoolConfig;
import org.wslx.warp.sandbox.Sandbox;
import org.wslx.warp.sandbox.SandboxConfig;
import org.wslx.warp.sandbox.SandboxException;
import org.wslx.warp.sandbox.SandboxException.Kind;
import org.wslx.warp.sandbox.SandboxImage;
import org.wslx.warp.sandbox.SandboxPool;
import org.wslx.warp.sandbox.SandboxService;
import org.wslx.warp.vmm.elf.Elf64Image;
import org.wslx.warp.vmm.elf.Elf64Reader;
import org.wslx.warp.vmm.elf.ElfFormatException;
import org.wslx.warp.vmm.kvm.CpuidEntry;
import org.wslx.warp.vmm.kvm.KvmException;
import org.wslx.warp.vmm.kvm.KvmSystem;

/**
 * Function sandboxes on {@code /dev/kvm}. Opens the device on first use (so the service registers, and
 * reports why, on hosts without it), keeps the loaded images, and tracks every sandbox and pool it
 * made so deactivation closes them all.
 */
@Component(service = SandboxService.class)
public final class KvmSandboxService implements SandboxService, AutoCloseable {
    private final Path device;
    private final CallWatchdog watchdog = new CallWatchdog();
    private final VectorStateReset vectorReset = new VectorStateReset();
    private final Map<String, LoadedImage> images = new ConcurrentHashMap<>();
    private final Map<String, KvmSandboxPool> pools = new ConcurrentHashMap<>();
    private final Set<KvmSandbox> live = ConcurrentHashMap.newKeySet();
    private KvmSystem kvm; // guarded by this
    private List<CpuidEntry> cpuid; // guarded by this
    private volatile boolean closed;

    @Activate
    public KvmSandboxService() {
        this(KvmSystem.DEFAULT_DEVICE);
    }

    public KvmSandboxService(Path device) {
        this.device = device;
    }

    @Override
    public SandboxImage load(Path file) throws SandboxException {
        String name = String.valueOf(file.getFileName());
        if (!Files.isRegularFile(file)) {
            throw new SandboxException(Kind.BAD_IMAGE, "guest image '" + name + "': " + file + " is not a file");
        }
        Elf64Image elf;
        try {
            elf = Elf64Reader.read(file);
        } catch (ElfFormatException e) {
            throw new SandboxException(Kind.BAD_IMAGE, e.getMessage(), e);
        } catch (IOException e) {
            throw new SandboxException(Kind.BAD_IMAGE, "guest image '" + name + "': cannot read " + file + ": " + e, e);
        }
        LoadedImage image = LoadedImage.of(file.toAbsolutePath(), elf);
        images.put(image.name(), image);
        return image;
    }

    @Override
    public List<SandboxImage> images() {
        List<SandboxImage> all = new ArrayList<>(images.values());
        all.sort(Comparator.comparing(SandboxImage::name));
        return all;
    }

    @Override
    public Optional<SandboxImage> image(String name) {
        return Optional.ofNullable(images.get(name));
    }

    @Override
    public Sandbox create(SandboxImage image, SandboxConfig config) throws SandboxException {
        return newSandbox(loaded(image), config);
    }

    KvmSandbox newSandbox(LoadedImage image, SandboxConfig config) throws SandboxException {
        requireOpen();
        KvmSystem system;
        List<CpuidEntry> leaves;
        synchronized (this) {
            system = kvm();
            leaves = cpuid;
        }
        KvmSandbox sandbox = KvmSandbox.create(system, leaves, image, config, watchdog, vectorReset,
                live::remove);
        live.add(sandbox);
        if (closed) {
            sandbox.close();
            requireOpen();
        }
        return sandbox;
    }

    @Override
    public SandboxPool pool(SandboxImage image, PoolConfig config) throws SandboxException {
        LoadedImage loaded = loaded(image);
        requireOpen();
        synchronized (pools) {
            KvmSandboxPool existing = pools.get(loaded.name());
            if (existing != null && existing.image() == loaded) {
                return existing;
            }
            KvmSandboxPool pool = new KvmSandboxPool(loaded, config, () -> newSandbox(loaded, config.sandbox()),
                    closedPool -> pools.remove(closedPool.image().name(), closedPool));
            if (existing != null) {
                existing.close(); // the image was reloaded: its old pool serves the old file
            }
            pools.put(loaded.name(), pool);
            return pool;
        }
    }

    @Override
    public List<SandboxPool> pools() {
        List<SandboxPool> all = new ArrayList<>(pools.values());
        all.sort(Comparator.comparing(p -> p.image().name()));
        return all;
    }

    @Override
    public String availability() {
        try {
            synchronized (this) {
                kvm();
            }
            return "available on " + device;
        } catch (SandboxException e) {
            return e.getMessage();
        }
    }

    /** Sandboxes alive right now, pooled or not. */
    int liveSandboxes() {
        return live.size();
    }

    private KvmSystem kvm() throws SandboxException {
        if (kvm == null) {
            try {
                KvmSystem opened = KvmSystem.open(device);
                cpuid = opened.supportedCpuid();
                kvm = opened;
            } catch (KvmException e) {
                throw new SandboxException(Kind.KVM_UNAVAILABLE, "function sandboxes cannot run: " + e.getMessage(), e);
            }
        }
        return kvm;
    }

    private LoadedImage loaded(SandboxImage image) {
        if (image instanceof LoadedImage loaded) {
            return loaded;
        }
        throw new IllegalArgumentException("sandbox image " + image + " was not loaded by this service");
    }

    private void requireOpen() throws SandboxException {
        if (closed) {
            throw new SandboxException(Kind.CLOSED, "the sandbox service is stopped");
        }
    }

    /** Closes every pool and sandbox, then the KVM device. */
    @Deactivate
    @Override
    public void close() {
        closed = true;
        for (KvmSandboxPool pool : List.copyOf(pools.values())) {
            pool.close();
        }
        for (KvmSandbox sandbox : List.copyOf(live)) {
            sandbox.close();
        }
        watchdog.close();
        synchronized (this) {
            if (kvm != null) {
                kvm.close();
                kvm = null;
            }
        }
    }
}
