package org.wslx.warp.boot.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;

import org.osgi.service.component.annotations.Component;
import org.wslx.warp.boot.BootException;
import org.wslx.warp.boot.BootMethod;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.boot.EntryState;
import org.wslx.warp.boot.GuestLayout;
import org.wslx.warp.boot.GuestMemoryTarget;
import org.wslx.warp.boot.KernelDescription;
import org.wslx.warp.boot.MemoryLoadingBootMethod;

/**
 * The x86 Linux boot protocol: accepts a bzImage whose setup header speaks protocol 2.06 or later,
 * or an uncompressed ELF64 vmlinux, and describes it before any machine is started. Hypervisors
 * that load the kernel themselves (QEMU) only need {@link #inspect}; WARP's own monitor has it
 * loaded into guest memory for the 64-bit entry by {@link #load}.
 */
@Component(service = {BootMethod.class, MemoryLoadingBootMethod.class},
        property = BootMethod.SERVICE_NAME_PROPERTY + "=" + LinuxBootProtocol.NAME)
public class LinuxBootProtocol implements MemoryLoadingBootMethod {
    static final String NAME = "linux";
    /** The header and the version string pointed to from it both live in the first few KiB. */
    private static final int PROBE_LENGTH = 64 * 1024;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public KernelDescription inspect(Path kernel) throws BootException {
        ByteBuffer head = readHead(kernel);
        if (ElfKernel.hasMagic(head)) {
            return describeElf(kernel, head);
        }
        if (head.limit() < SetupHeader.MINIMUM_LENGTH) {
            throw new BootException("kernel '" + kernel + "': file is too short to be a Linux kernel (" + head.limit()
                    + " bytes, a bzImage setup header needs " + SetupHeader.MINIMUM_LENGTH + ")");
        }
        if (!SetupHeader.hasMagic(head)) {
            throw new BootException("kernel '" + kernel + "': no \"HdrS\" boot protocol signature at offset 0x202, "
                    + "so it is neither a bzImage nor an ELF64 vmlinux");
        }
        SetupHeader header = SetupHeader.parse(head);
        if (!header.supported()) {
            throw new BootException("kernel '" + kernel + "': boot protocol " + header.protocol()
                    + " is too old; version 2.06 or later is required");
        }
        var details = new LinkedHashMap<String, String>(header.details());
        details.put("boot flag 0xAA55", Boolean.toString(SetupHeader.hasBootFlag(head)));
        details.put("file size", Long.toString(sizeOf(kernel)));
        return new KernelDescription(NAME, "bzImage", header.kernelVersion(), details);
    }

    @Override
    public EntryState load(BootPayload payload, GuestMemoryTarget memory, GuestLayout layout) throws BootException {
        requireRegularFile(payload.kernel());
        return new LinuxKernelLoader(payload.kernel(), memory, layout).load(payload);
    }

    private KernelDescription describeElf(Path kernel, ByteBuffer head) throws BootException {
        String reason = ElfKernel.unsupportedReason(head);
        if (reason != null) {
            throw new BootException("kernel '" + kernel + "': " + reason);
        }
        ElfKernel elf = ElfKernel.parse(head);
        String version;
        try {
            version = ElfKernel.findBanner(kernel);
        } catch (IOException e) {
            throw new BootException("kernel '" + kernel + "': cannot read it: " + e.getMessage(), e);
        }
        var details = new LinkedHashMap<String, String>(elf.details());
        details.put("file size", Long.toString(sizeOf(kernel)));
        return new KernelDescription(NAME, "ELF64 vmlinux", version, details);
    }

    /** The loader maps the whole file itself; this only turns a missing file into a sentence. */
    private static void requireRegularFile(Path kernel) throws BootException {
        if (!Files.exists(kernel)) {
            throw new BootException("kernel '" + kernel + "': file does not exist");
        }
        if (!Files.isRegularFile(kernel)) {
            throw new BootException("kernel '" + kernel + "': not a regular file");
        }
    }

    private static ByteBuffer readHead(Path kernel) throws BootException {
        requireRegularFile(kernel);
        try (InputStream in = Files.newInputStream(kernel)) {
            return ByteBuffer.wrap(in.readNBytes(PROBE_LENGTH));
        } catch (IOException e) {
            throw new BootException("kernel '" + kernel + "': cannot read it: " + e.getMessage(), e);
        }
    }

    private static long sizeOf(Path kernel) throws BootException {
        try {
            return Files.size(kernel);
        } catch (IOException e) {
            throw new BootException("kernel '" + kernel + "': cannot read its size: " + e.getMessage(), e);
        }
    }
}
