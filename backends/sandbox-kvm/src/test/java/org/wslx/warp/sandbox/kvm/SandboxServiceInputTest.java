package org.wslx.warp.sandbox.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.sandbox.SandboxConfig;
import org.wslx.warp.sandbox.SandboxException;
import org.wslx.warp.sandbox.SandboxException.Kind;
import org.wslx.warp.sandbox.SandboxImage;

/** Bad images and a missing /dev/kvm through the service: clear errors, no VM needed. */
class SandboxServiceInputTest {
    @Test
    void aFileThatIsNotElfIsABadImage(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("hello.txt"), "just text");
        try (KvmSandboxService service = new KvmSandboxService()) {
            SandboxException e = assertThrows(SandboxException.class, () -> service.load(text));
            assertEquals(Kind.BAD_IMAGE, e.kind());
            assertEquals("guest image 'hello.txt' is not an ELF file (no \\x7fELF magic)", e.getMessage());
            SandboxException missing = assertThrows(SandboxException.class, () -> service.load(dir.resolve("no.elf")));
            assertEquals(Kind.BAD_IMAGE, missing.kind());
            assertTrue(missing.getMessage().startsWith("guest image 'no.elf': "), missing.getMessage());
            assertTrue(service.images().isEmpty());
        }
    }

    @Test
    void anElfWithoutTheSandboxRuntimeIsABadImage(@TempDir Path dir) throws Exception {
        // A real executable of this machine: ELF64 x86-64, but no warp_entry and no functions.
        Path sh = Path.of("/bin/sh").toRealPath();
        Path copy = Files.copy(sh, dir.resolve("sh"));
        try (KvmSandboxService service = new KvmSandboxService()) {
            SandboxException e = assertThrows(SandboxException.class, () -> service.load(copy));
            assertEquals(Kind.BAD_IMAGE, e.kind());
            assertTrue(e.getMessage().startsWith("guest image 'sh' "), e.getMessage());
        }
    }

    @Test
    void theSampleImageListsItsFunctions() throws Exception {
        try (KvmSandboxService service = new KvmSandboxService()) {
            SandboxImage image = service.load(SandboxTestSupport.samples());
            assertEquals("samples.elf", image.name());
            assertTrue(image.functions().containsAll(java.util.List.of("sum", "sha256", "fault", "loop", "echo",
                    "reverse")), image.functions().toString());
            assertEquals(image, service.image("samples.elf").orElseThrow());
        }
    }

    @Test
    void withoutKvmCreatingASandboxSaysWhy(@TempDir Path dir) throws Exception {
        try (KvmSandboxService service = new KvmSandboxService(dir.resolve("kvm"))) {
            SandboxImage image = service.load(SandboxTestSupport.samples());
            SandboxException e = assertThrows(SandboxException.class,
                    () -> service.create(image, SandboxConfig.defaults()));
            assertEquals(Kind.KVM_UNAVAILABLE, e.kind());
            assertTrue(e.getMessage().startsWith("function sandboxes cannot run: " + dir.resolve("kvm")
                    + " cannot be opened"), e.getMessage());
            assertTrue(service.availability().contains("cannot be opened"), service.availability());
        }
    }
}
