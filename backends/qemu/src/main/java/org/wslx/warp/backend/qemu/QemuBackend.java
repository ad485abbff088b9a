package org.wslx.warp.backend.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.wslx.warp.backend.Backend;
import org.wslx.warp.backend.BackendException;
import org.wslx.warp.backend.BackendStatus;
import org.wslx.warp.backend.DiskAttachment;
import org.wslx.warp.backend.MachineSpec;
import org.wslx.warp.backend.VirtualMachine;
import org.wslx.warp.backend.qemu.QemuCommandLine.MachineType;

/**
 * Runs machines as qemu-system-x86_64 processes. Framework properties: {@code warp.qemu.binary}
 * (default: found on PATH), {@code warp.qemu.accel} ({@code kvm} or {@code tcg}, default: chosen by
 * {@link AcceleratorChoice}), {@code warp.qemu.machine} ({@code pc} or {@code microvm}) and
 * {@code warp.qemu.guestAgent} ({@code true} adds a qemu-guest-agent port, off by default).
 */
@Component(property = Backend.SERVICE_NAME_PROPERTY + "=" + QemuBackend.NAME)
public class QemuBackend implements Backend {
    static final String NAME = "qemu";
    static final String BINARY_PROPERTY = "warp.qemu.binary";
    static final String MACHINE_PROPERTY = "warp.qemu.machine";
    static final String GUEST_AGENT_PROPERTY = "warp.qemu.guestAgent";
    static final String BINARY_NAME = "qemu-system-x86_64";
    static final String DEBIAN_PACKAGE = "qemu-system-x86";
    /**
     * Measured under TCG with Debian's cloud kernel (a bzImage) to /init, three runs each on a busy
     * two-core host (QemuBackendSystemTest): pc 2.6-3.2 s, microvm 2.7-4.5 s. microvm's advantage
     * needs a PVH-entry vmlinux, which Debian does not ship, and pc's virtio-pci devices need no
     * extra guest module, so pc is the default; microvm stays selectable.
     */
    static final MachineType DEFAULT_MACHINE = MachineType.PC;

    private volatile Optional<Path> binary = Optional.empty();
    private volatile String binaryProblem = "";
    private volatile String version = "";
    private volatile AcceleratorChoice accelerator = new AcceleratorChoice("tcg", false, "The QEMU backend has not been activated.");
    private volatile MachineType machine = DEFAULT_MACHINE;
    private volatile String machineProblem = "";
    private volatile boolean guestAgentPort;

    @Activate
    void activate(BundleContext context) {
        configure(context::getProperty);
    }

    /** Reads the settings through {@code property}; a test passes its own lookup. */
    void configure(UnaryOperator<String> property) {
        configure(property, AcceleratorChoice.Facts.ofHost(property.apply(AcceleratorChoice.OVERRIDE_PROPERTY)), System.getenv("PATH"));
    }

    void configure(UnaryOperator<String> property, AcceleratorChoice.Facts facts, String searchPath) {
        accelerator = AcceleratorChoice.decide(facts);
        String machineName = property.apply(MACHINE_PROPERTY);
        machineProblem = "";
        try {
            machine = machineName == null || machineName.isBlank() ? DEFAULT_MACHINE : MachineType.named(machineName.trim());
        } catch (IllegalArgumentException e) {
            machineProblem = MACHINE_PROPERTY + ": " + e.getMessage() + ".";
        }
        guestAgentPort = Boolean.parseBoolean(property.apply(GUEST_AGENT_PROPERTY));
        String configured = property.apply(BINARY_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured.trim());
            binary = Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
            binaryProblem = "QEMU binary '" + path + "' named by " + BINARY_PROPERTY + " does not exist or is not executable"
                    + " (" + BINARY_NAME + " comes with Debian package " + DEBIAN_PACKAGE + ").";
        } else {
            binary = findOnPath(BINARY_NAME, searchPath);
            binaryProblem = BINARY_NAME + " not found on PATH (install Debian package " + DEBIAN_PACKAGE + ").";
        }
        version = binary.map(QemuBackend::askVersion).orElse("");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public BackendStatus status() {
        String problem = problem();
        return new BackendStatus(NAME, problem.isEmpty(), version, accelerator.accelerator(),
                problem.isEmpty() ? accelerator.reason() + " Machine type " + machine.qemuName + "." : problem);
    }

    @Override
    public Set<String> bootMethods() {
        return Set.of("linux", QemuCommandLine.ELF64_BOOT);
    }

    @Override
    public VirtualMachine launch(MachineSpec spec) throws BackendException {
        String instance = "instance '" + spec.instanceName() + "': ";
        String problem = problem();
        if (!problem.isEmpty()) {
            throw new BackendException(instance + problem);
        }
        if (!bootMethods().contains(spec.payload().bootMethod())) {
            throw new BackendException(instance + "the QEMU backend cannot perform boot method '" + spec.payload().bootMethod()
                    + "'; it supports " + bootMethods() + ".");
        }
        requireFile(instance, "kernel", spec.payload().kernel());
        for (Path initrd : spec.payload().initrds()) {
            requireFile(instance, "initrd", initrd);
        }
        for (DiskAttachment disk : spec.disks()) {
            requireFile(instance, "disk", disk.file());
        }
        RuntimeFiles files = new RuntimeFiles(spec.runtimeDirectory());
        try {
            Files.createDirectories(files.directory());
            Files.deleteIfExists(files.qmpSocket());
            Files.deleteIfExists(files.controlSocket());
            Files.deleteIfExists(files.guestAgentSocket());
            if (spec.consoleLog().getParent() != null) {
                Files.createDirectories(spec.consoleLog().getParent());
            }
            // A kernel entered directly gets its module page-aligned (entry-state.md); Linux needs four bytes.
            concatenate(spec.payload().initrds(), files.initrd(), QemuCommandLine.isDirectBoot(spec) ? 4096 : 4);
        } catch (IOException e) {
            throw new BackendException(instance + "cannot prepare the runtime directory " + files.directory() + ": " + e.getMessage(), e);
        }
        List<String> argv = QemuCommandLine.build(spec, binary.orElseThrow(), accelerator.accelerator(), machine, files, hostTscKhz(),
                guestAgentPort);
        return QemuMachine.start(spec, accelerator.accelerator(), files, argv);
    }

    private String problem() {
        if (binary.isEmpty()) {
            return binaryProblem;
        }
        if (!machineProblem.isEmpty()) {
            return machineProblem;
        }
        return accelerator.usable() ? "" : accelerator.reason();
    }

    private static void requireFile(String instance, String what, Path file) throws BackendException {
        if (!Files.isRegularFile(file)) {
            throw new BackendException(instance + what + " '" + file + "' does not exist or is not a regular file.");
        }
        if (!Files.isReadable(file)) {
            throw new BackendException(instance + what + " '" + file + "' cannot be read.");
        }
    }

    /**
     * The Linux boot protocol unpacks cpio archives placed back to back; each one starts on a
     * four-byte boundary, and the zero padding between them is skipped.
     */
    static void concatenate(List<Path> parts, Path target) throws IOException {
        concatenate(parts, target, 4);
    }

    /** Writes the parts back to back, each starting on an {@code alignment}-byte boundary (zero padding between). */
    static void concatenate(List<Path> parts, Path target, int alignment) throws IOException {
        try (OutputStream out = Files.newOutputStream(target)) {
            long written = 0;
            for (Path part : parts) {
                int padding = (int) ((alignment - written % alignment) % alignment);
                out.write(new byte[padding]);
                written += padding + Files.copy(part, out);
            }
        }
    }

    static Optional<Path> findOnPath(String name, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** "QEMU emulator version 7.2.22 (Debian ...)" becomes "QEMU 7.2.22". */
    private static String askVersion(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String first;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                first = r.readLine();
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            if (first == null) {
                return "";
            }
            var m = java.util.regex.Pattern.compile("version (\\S+)").matcher(first);
            return m.find() ? "QEMU " + m.group(1) : first.strip();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The host's TSC frequency, which TCG passes through to the guest's RDTSC. */
    static long hostTscKhz() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("cpu MHz")) {
                    return Math.round(Double.parseDouble(line.substring(line.indexOf(':') + 1).trim()) * 1000);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Without it microvm still boots, only with a less exact early clock.
        }
        return 0;
    }
}
