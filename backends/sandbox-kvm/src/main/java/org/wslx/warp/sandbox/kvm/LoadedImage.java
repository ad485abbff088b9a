package org.wslx.warp.sandbox.kvm;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.wslx.warp.sandbox.SandboxConfig;
import org.wslx.warp.sandbox.SandboxException;
import org.wslx.warp.sandbox.SandboxImage;
import org.wslx.warp.sandbox.kvm.layout.MachineImage;
import org.wslx.warp.sandbox.kvm.layout.MachineImageBuilder;
import org.wslx.warp.sandbox.kvm.layout.SandboxLayout;
import org.wslx.warp.vmm.elf.Elf64Image;
import org.wslx.warp.vmm.elf.ElfFormatException;

/** A guest image read and checked once; each sandbox configuration lays it out on demand. */
final class LoadedImage implements SandboxImage {
    private final Path source;
    private final Elf64Image elf;
    private final List<String> functions;
    private final long loadedBytes;
    private final Map<SandboxConfig, MachineImage> machines = new ConcurrentHashMap<>();

    private LoadedImage(Path source, Elf64Image elf, MachineImage defaultMachine) {
        this.source = source;
        this.elf = elf;
        this.functions = List.copyOf(defaultMachine.functions().keySet());
        this.loadedBytes = defaultMachine.loadedBytes();
        machines.put(SandboxConfig.defaults(), defaultMachine);
    }

    /**
     * Lays the image out once with the default configuration, which finds a missing runtime or functions
     * before any VM exists; sandboxes with the defaults (the pools' and the shell's) then use that layout.
     */
    static LoadedImage of(Path source, Elf64Image elf) throws SandboxException {
        return new LoadedImage(source, elf, layOut(elf, SandboxConfig.defaults()));
    }

    @Override
    public String name() {
        return elf.name();
    }

    @Override
    public Path source() {
        return source;
    }

    @Override
    public List<String> functions() {
        return functions;
    }

    @Override
    public long loadedBytes() {
        return loadedBytes;
    }

    /** The image laid out for a configuration; built once per configuration. */
    MachineImage machineFor(SandboxConfig config) throws SandboxException {
        MachineImage machine = machines.get(config);
        if (machine == null) {
            machine = layOut(elf, config);
            machines.put(config, machine);
        }
        return machine;
    }

    private static MachineImage layOut(Elf64Image elf, SandboxConfig config) throws SandboxException {
        try {
            return MachineImageBuilder.build(elf, SandboxLayout.of(config));
        } catch (ElfFormatException | IllegalArgumentException e) {
            throw new SandboxException(SandboxException.Kind.BAD_IMAGE, e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "sandbox image '" + name() + "' " + functions;
    }
}
