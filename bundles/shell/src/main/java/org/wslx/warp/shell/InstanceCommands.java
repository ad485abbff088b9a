package org.wslx.warp.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.wslx.warp.control.ExecRequest;
import org.wslx.warp.image.ImageManifest;
import org.wslx.warp.instance.InstanceException;
import org.wslx.warp.instance.InstanceInfo;
import org.wslx.warp.instance.InstanceManager;
import org.wslx.warp.instance.InstanceSettings;

/** Gogo commands for instances, with {@code wsl.exe}'s verbs. */
@Component(service = InstanceCommands.class, property = {
        "osgi.command.scope=warp",
        "osgi.command.function=list",
        "osgi.command.function=info",
        "osgi.command.function=start",
        "osgi.command.function=stop",
        "osgi.command.function=exec",
        "osgi.command.function=import",
        "osgi.command.function=export",
        "osgi.command.function=unregister",
        "osgi.command.function=setdefault",
        "osgi.command.function=configure",
        "osgi.command.function=images" })
public final class InstanceCommands {
    private final InstanceManager instances;

    @Activate
    public InstanceCommands(@Reference(name = "instances") InstanceManager instances) {
        this.instances = instances;
    }

    @Descriptor("lists the registered instances")
    public Listing<InstanceInfo> list() {
        return new Listing<>("instances", instances.list());
    }

    @Descriptor("shows one instance")
    public InstanceInfo info(@Descriptor("instance name") String name) throws InstanceException {
        return instances.info(requireName(name));
    }

    @Descriptor("boots an instance and waits for its agent")
    public InstanceInfo start(@Descriptor("instance name") String name) throws InstanceException {
        return instances.start(requireName(name));
    }

    @Descriptor("stops an instance (agent, then hypervisor, then kill)")
    public InstanceInfo stop(@Descriptor("instance name") String name) throws InstanceException {
        instances.terminate(requireName(name));
        return instances.info(name);
    }

    @Descriptor("runs a program in an instance, booting it if needed, and returns its exit code and output")
    public ExecResult exec(@Descriptor("instance name") String name, @Descriptor("program") String program,
            @Descriptor("arguments") String... arguments) throws InstanceException, InterruptedException {
        requireName(name);
        if (program == null || program.isBlank()) {
            throw new IllegalArgumentException("instance '" + name + "': exec needs a program to run");
        }
        List<String> argv = new ArrayList<>();
        argv.add(program);
        argv.addAll(List.of(arguments));
        ExecRequest request = new ExecRequest(argv, java.util.Map.of(), "", "", null);
        return GuestOutputCollector.collect(name, argv, instances.exec(name, request));
    }

    // Gogo maps the function "import", a Java keyword, onto the method "_import".
    @Descriptor("registers a new instance from a root filesystem tar or .wsl file")
    public InstanceInfo _import(CommandSession session, @Descriptor("instance name") String name,
            @Descriptor("directory for its disk") String directory, @Descriptor("tar or .wsl file") String tar)
            throws InstanceException {
        return importFrom(workingDirectory(session), name, directory, tar);
    }

    @Descriptor("writes an instance's root filesystem as a tar (stops it first)")
    public Path export(CommandSession session, @Descriptor("instance name") String name,
            @Descriptor("tar file to write") String tar) throws InstanceException {
        return exportTo(workingDirectory(session), name, tar);
    }

    @Descriptor("stops an instance and deletes it and its root disk")
    public String unregister(@Descriptor("instance name") String name) throws InstanceException {
        instances.unregister(requireName(name));
        return "instance '" + name + "' unregistered";
    }

    @Descriptor("makes an instance the default for commands that name none")
    public InstanceInfo setdefault(@Descriptor("instance name") String name) throws InstanceException {
        instances.setDefault(requireName(name));
        return instances.info(name);
    }

    @Descriptor("changes an instance's settings; they take effect at its next boot")
    public InstanceInfo configure(@Descriptor("instance name") String name,
            @Descriptor("backend name, e.g. qemu") String backend, @Descriptor("virtual CPUs") int cpus,
            @Descriptor("memory in MiB") int memoryMiB,
            @Descriptor("idle seconds before it is stopped; 0 = never") int idleTimeoutSeconds)
            throws InstanceException {
        requireName(name);
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException("instance '" + name + "': the backend name is missing");
        }
        if (cpus < 1) {
            throw new IllegalArgumentException("instance '" + name + "': needs at least 1 CPU, not " + cpus);
        }
        if (memoryMiB < 1) {
            throw new IllegalArgumentException("instance '" + name + "': memory must be a positive number of MiB, not "
                    + memoryMiB);
        }
        if (idleTimeoutSeconds < 0) {
            throw new IllegalArgumentException("instance '" + name + "': the idle timeout cannot be negative ("
                    + idleTimeoutSeconds + " s)");
        }
        return instances.configure(name, new InstanceSettings(backend, cpus, memoryMiB, idleTimeoutSeconds));
    }

    @Descriptor("lists the registered instances' images: personality, OS, default user, disk size")
    public Listing<ImageEntry> images() {
        return new Listing<>("images", instances.list().stream().map(InstanceCommands::imageOf).toList());
    }

    InstanceInfo importFrom(Path base, String name, String directory, String tar) throws InstanceException {
        requireName(name);
        Path source = resolve(base, tar, name, "tar");
        if (!Files.isRegularFile(source)) {
            throw new IllegalArgumentException("instance '" + name + "': tar '" + source + "' does not exist");
        }
        return instances.importInstance(name, resolve(base, directory, name, "directory"), source);
    }

    Path exportTo(Path base, String name, String tar) throws InstanceException {
        requireName(name);
        Path target = resolve(base, tar, name, "tar");
        instances.exportInstance(name, target);
        return target;
    }

    private static ImageEntry imageOf(InstanceInfo info) {
        ImageManifest manifest = info.manifest();
        long diskBytes;
        try {
            diskBytes = info.rootDisk() == null ? -1 : Files.size(info.rootDisk());
        } catch (IOException e) {
            diskBytes = -1;
        }
        return manifest == null
                ? new ImageEntry(info.name(), "", "", "", "", diskBytes)
                : new ImageEntry(info.name(), manifest.personality(), manifest.osName(), manifest.osVersion(),
                        manifest.defaultUser(), diskBytes);
    }

    /** Relative paths mean the console's current directory, not the service's. */
    private static Path workingDirectory(CommandSession session) {
        Path current = session == null ? null : session.currentDir();
        return current != null ? current : Path.of("").toAbsolutePath();
    }

    private static Path resolve(Path base, String path, String instance, String what) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("instance '" + instance + "': the " + what + " path is missing");
        }
        return base.resolve(path).normalize();
    }

    private static String requireName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("instance name is missing");
        }
        return name;
    }
}
