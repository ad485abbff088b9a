package org.wslx.warp.core;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.wslx.warp.backend.Backend;
import org.wslx.warp.backend.BackendException;
import org.wslx.warp.backend.BackendStatus;
import org.wslx.warp.backend.DiskAttachment;
import org.wslx.warp.backend.MachineSpec;
import org.wslx.warp.backend.VirtualMachine;
import org.wslx.warp.boot.BootException;
import org.wslx.warp.boot.BootMethod;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.boot.KernelDescription;
import org.wslx.warp.control.ByteStream;
import org.wslx.warp.control.ControlException;
import org.wslx.warp.control.ControlPlane;
import org.wslx.warp.control.GuestConfig;
import org.wslx.warp.control.GuestSession;
import org.wslx.warp.control.SessionParameters;
import org.wslx.warp.instance.InstanceException;
import org.wslx.warp.personality.BootRequest;
import org.wslx.warp.personality.Personality;
import org.wslx.warp.personality.PersonalityException;
import org.wslx.warp.policy.PolicySubject;

/**
 * Composes one boot from the service registry: the personality the image names, the boot method
 * its payload names, the backend the instance's settings name — each checked against policy —
 * then launches the machine and opens the control-plane session. Every failure is reported with
 * the instance and the phase in which it happened, and leaves no machine behind.
 */
final class InstanceBooter {
    private static final System.Logger LOG = System.getLogger(InstanceBooter.class.getName());
    private static final int SECRET_BYTES = 32;
    private static final int CONSOLE_LINES_IN_ERRORS = 15;

    private final Providers providers;
    private final SecureRandom random = new SecureRandom();
    private final Duration handshakeTimeout;

    InstanceBooter(Providers providers, Duration handshakeTimeout) {
        this.providers = providers;
        this.handshakeTimeout = handshakeTimeout;
    }

    Boot boot(InstanceRecord record, Path bootDirectory) throws InstanceException {
        String name = record.name();
        Provider<Personality> personality = providers.allowed(providers.personalities(), PolicySubject.PERSONALITY,
                record.manifest().personality(), name);
        Provider<Backend> backend = providers.allowed(providers.backends(), PolicySubject.BACKEND,
                record.settings().backend(), name);
        BackendStatus status = backend.service().status();
        if (!status.available()) {
            throw new InstanceException("instance '" + name + "': backend '" + backend.name() + "' cannot run here: "
                    + status.detail());
        }
        ControlPlane controlPlane = providers.controlPlane(name);
        prepareDirectory(name, bootDirectory);

        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        BootPayload payload;
        try {
            payload = personality.service().prepareBoot(
                    new BootRequest(name, record.manifest(), record.rootDiskPath(), bootDirectory, secret));
        } catch (PersonalityException e) {
            throw new InstanceException("instance '" + name + "': preparing the boot failed: " + e.getMessage(), e);
        }
        checkKernel(name, backend, payload);
        if (!Files.isRegularFile(record.rootDiskPath())) {
            throw new InstanceException("instance '" + name + "': root disk '" + record.rootDisk() + "' is missing");
        }

        // An image the personality hands over itself (e.g. as a boot module) is not also a disk.
        List<DiskAttachment> disks = ImageRouter.attachesRootDisk(record.manifest())
                ? List.of(new DiskAttachment(record.rootDiskPath(), false))
                : List.of();
        MachineSpec spec = new MachineSpec(name, payload, record.settings().cpus(), record.settings().memoryMiB(),
                disks, bootDirectory,
                bootDirectory.resolve("console.log"));
        VirtualMachine machine;
        try {
            machine = backend.service().launch(spec);
        } catch (BackendException e) {
            throw new InstanceException("instance '" + name + "': launching on backend '" + backend.name()
                    + "' failed: " + e.getMessage(), e);
        }
        try {
            ByteStream channel = machine.controlChannel();
            GuestConfig config = new GuestConfig(hostnameFor(name), Map.of("WARP_INSTANCE", name), List.of());
            GuestSession session = controlPlane.open(channel,
                    new SessionParameters(name, secret, config, handshakeTimeout));
            LOG.log(Level.INFO, "instance ''{0}'' is running on {1} ({2}); agent {3}", name, backend.name(),
                    machine.accelerator(), session.guest().agent());
            return new Boot(machine, session, backend.name(), bootDirectory);
        } catch (BackendException | ControlException | RuntimeException e) {
            String console = machine.consoleTail(CONSOLE_LINES_IN_ERRORS);
            machine.stop(Duration.ZERO);
            throw new InstanceException("instance '" + name + "': the guest agent did not come up: " + e.getMessage()
                    + (console.isBlank() ? "" : "\n--- last console lines ---\n" + console), e);
        }
    }

    private void checkKernel(String name, Provider<Backend> backend, BootPayload payload) throws InstanceException {
        if (!backend.service().bootMethods().contains(payload.bootMethod())) {
            throw new InstanceException("instance '" + name + "': backend '" + backend.name()
                    + "' cannot perform boot method '" + payload.bootMethod() + "' (it supports "
                    + backend.service().bootMethods() + ")");
        }
        BootMethod method = providers.bootMethods().find(payload.bootMethod())
                .orElseThrow(() -> new InstanceException("instance '" + name + "': no boot method '"
                        + payload.bootMethod() + "' is installed"))
                .service();
        try {
            KernelDescription kernel = method.inspect(payload.kernel());
            LOG.log(Level.DEBUG, "instance ''{0}'': kernel {1} {2}", name, kernel.format(), kernel.version());
        } catch (BootException e) {
            throw new InstanceException("instance '" + name + "': kernel check failed: " + e.getMessage(), e);
        }
    }

    private static void prepareDirectory(String name, Path bootDirectory) throws InstanceException {
        try {
            deleteTree(bootDirectory);
            Files.createDirectories(bootDirectory);
        } catch (IOException e) {
            throw new InstanceException("instance '" + name + "': cannot prepare boot directory '" + bootDirectory
                    + "': " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Instance names may contain dots and underscores; host names may not. */
    static String hostnameFor(String instance) {
        String cleaned = instance.toLowerCase().replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        return cleaned.isEmpty() ? "warp" : cleaned.substring(0, Math.min(63, cleaned.length()));
    }
}
