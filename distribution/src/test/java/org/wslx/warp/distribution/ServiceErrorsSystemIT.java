package org.wslx.warp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

/**
 * A service whose host is broken (no kernel, no QEMU) or whose files were changed behind its back
 * answers a command with a sentence that names what is missing, and keeps serving afterwards.
 */
class ServiceErrorsSystemIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMissingKernelIsNamedAndTheServiceKeepsAnswering() throws IOException {
        WarpCli wslx = new WarpCli("nokernel", "-Dwarp.linux.kernel=/nonexistent/vmlinuz");
        try {
            importBusybox(wslx, "busy");
            WarpCli.Result r = wslx.run("-d", "busy", "--", "true");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("instance 'busy'") && r.stderr().contains("/nonexistent/vmlinuz"), r.stderr());

            JsonNode info = info(wslx, "busy");
            assertEquals("FAILED", info.get("state").asText(), info.toString());
            assertTrue(info.get("reason").asText().contains("/nonexistent/vmlinuz"), info.toString());
            assertStillServing(wslx, "busy");
        } finally {
            wslx.closeAndDeleteState();
        }
    }

    @Test
    void aMissingQemuIsNamedWithItsDebianPackage() throws IOException {
        WarpCli wslx = new WarpCli("noqemu", "-Dwarp.qemu.binary=/nonexistent/qemu-system-x86_64");
        try {
            importBusybox(wslx, "busy");
            WarpCli.Result r = wslx.run("-d", "busy", "--", "true");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("instance 'busy'") && r.stderr().contains("backend 'qemu'"), r.stderr());
            assertTrue(r.stderr().contains("/nonexistent/qemu-system-x86_64"), r.stderr());
            assertTrue(r.stderr().contains("Debian package qemu-system-x86"), r.stderr());
            assertStillServing(wslx, "busy");
        } finally {
            wslx.closeAndDeleteState();
        }
    }

    @Test
    void aRootDiskDeletedBehindTheServicesBackIsNamedAndOtherInstancesStillRun() throws IOException {
        WarpCli wslx = new WarpCli("nodisk", "");
        try {
            importBusybox(wslx, "victim");
            importBusybox(wslx, "bystander");
            Path disk = Path.of(info(wslx, "victim").get("rootDisk").asText());
            Files.delete(disk);

            WarpCli.Result r = wslx.run("-d", "victim", "--", "true");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.stderr().contains("instance 'victim'") && r.stderr().contains("root disk")
                    && r.stderr().contains(disk.toString()) && r.stderr().contains("missing"), r.stderr());
            assertStillServing(wslx, "victim");
            WarpCli.Result other = wslx.run("-d", "bystander", "--", "echo", "unaffected");
            assertEquals("unaffected\n", other.stdout(), other.toString());
        } finally {
            wslx.closeAndDeleteState();
        }
    }

    private static void importBusybox(WarpCli wslx, String name) {
        String image = System.getProperty("warp.default.image");
        WarpCli.Result r = wslx.run("--import", name, wslx.stateDirectory().resolve(name).toString(), image);
        assertEquals(0, r.exitCode(), r.toString());
    }

    private static JsonNode info(WarpCli wslx, String name) throws IOException {
        WarpCli.Result r = wslx.run("--info", name, "--json");
        assertEquals(0, r.exitCode(), r.toString());
        return JSON.readTree(r.stdout());
    }

    /** The same service process still lists its instances. */
    private static void assertStillServing(WarpCli wslx, String instance) {
        long pid = wslx.services().get(0).pid();
        WarpCli.Result list = wslx.run("--list");
        assertEquals(0, list.exitCode(), list.toString());
        assertTrue(list.stdout().contains(instance), list.stdout());
        assertEquals(1, wslx.services().size());
        assertEquals(pid, wslx.services().get(0).pid(), "the service that reported the error is the one answering");
    }
}
