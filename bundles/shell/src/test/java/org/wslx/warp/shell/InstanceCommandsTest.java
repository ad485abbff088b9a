package org.wslx.warp.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.control.ExitStatus;
import org.wslx.warp.instance.InstanceException;
import org.wslx.warp.instance.InstanceInfo;
import org.wslx.warp.instance.InstanceSettings;
import org.wslx.warp.instance.InstanceState;

class InstanceCommandsTest {
    @TempDir
    Path workDir;
    private final FakeInstanceManager manager = new FakeInstanceManager();
    private GogoHarness gogo;

    @BeforeEach
    void setUp() throws Exception {
        Path disk = Files.write(workDir.resolve("debian.img"), new byte[4096]);
        manager.add(FakeInstanceManager.instance("debian", InstanceState.STOPPED, disk));
        manager.add(FakeInstanceManager.instance("alpine", InstanceState.REGISTERED, workDir.resolve("gone.img")));
        gogo = new GogoHarness(workDir, new InstanceCommands(manager));
    }

    @AfterEach
    void tearDown() {
        gogo.close();
    }

    @Test
    void listReturnsTheInstancesAndPrintsATable() throws Exception {
        Listing<?> listing = (Listing<?>) gogo.run("warp:list");
        assertEquals(manager.list(), listing.items());

        String[] lines = gogo.print("warp:list").split("\n");
        assertEquals(3, lines.length);
        assertEquals("NAME    STATE       DEFAULT  BACKEND  CPUS  MEMORY   ACCEL  PROCS", lines[0]);
        assertEquals("alpine  REGISTERED           qemu     1     512 MiB         0", lines[1]);
        assertEquals("debian  STOPPED              qemu     1     512 MiB         0", lines[2]);
    }

    @Test
    void infoPrintsAKeyValueBlock() throws Exception {
        String printed = gogo.print("warp:info debian");
        assertTrue(printed.startsWith("name:              debian\nstate:             STOPPED\n"), printed);
        assertTrue(printed.contains("\nos:                Debian GNU/Linux 12 (bookworm) 12\n"), printed);
    }

    @Test
    void unknownInstanceFailsWithTheManagersSentence() {
        InstanceException e = assertThrows(InstanceException.class, () -> gogo.run("warp:info nosuch"));
        assertEquals("instance 'nosuch' is not registered", e.getMessage());
    }

    @Test
    void startAndStopChangeTheState() throws Exception {
        assertEquals(InstanceState.RUNNING, ((InstanceInfo) gogo.run("warp:start debian")).state());
        assertEquals(InstanceState.STOPPED, ((InstanceInfo) gogo.run("warp:stop debian")).state());
        assertEquals(List.of("RUNNING debian", "STOPPED debian"), manager.calls);
    }

    @Test
    void execPassesEveryArgumentAndCollectsOutputAndExitCode() throws Exception {
        FakeInstanceManager.FakeProcess process = new FakeInstanceManager.FakeProcess("hello world\n", "warning\n",
                new ExitStatus(ExitStatus.Kind.EXITED, 3, ""));
        manager.nextProcess = process;

        ExecResult result = (ExecResult) gogo.run("warp:exec debian echo hello world");

        assertEquals(List.of("echo", "hello", "world"), manager.lastExec.argv());
        assertTrue(process.stdinClosed, "the guest must see end-of-file on stdin");
        assertEquals(new ExecResult("debian", List.of("echo", "hello", "world"), 3, "exited with code 3",
                "hello world\n", "warning\n"), result);
        assertEquals("hello world\n--- stderr ---\nwarning\nexit code 3 (exited with code 3)",
                gogo.session().format(result, 0).toString());
    }

    @Test
    void execReportsSignalsAsAShellWould() throws Exception {
        manager.nextProcess = new FakeInstanceManager.FakeProcess("", "", new ExitStatus(ExitStatus.Kind.SIGNALED, 9, ""));
        ExecResult result = (ExecResult) gogo.run("warp:exec debian sleep 100");
        assertEquals(137, result.exitCode());
        assertEquals("killed by signal 9", result.status());
    }

    @Test
    void execKeepsOnlyTheFirstEightMebibytesOfOutput() throws Exception {
        byte[] flood = new byte[GuestOutputCollector.LIMIT_BYTES + 100];
        java.util.Arrays.fill(flood, (byte) 'x');
        manager.nextProcess = new FakeInstanceManager.FakeProcess(flood, new byte[0],
                new ExitStatus(ExitStatus.Kind.EXITED, 0, ""));
        ExecResult result = (ExecResult) gogo.run("warp:exec debian yes");
        assertTrue(result.stdout().endsWith("\n[100 more bytes not kept]\n"));
        assertEquals(GuestOutputCollector.LIMIT_BYTES + "\n[100 more bytes not kept]\n".length(),
                result.stdout().length());
    }

    @Test
    void importResolvesRelativePathsAgainstTheConsolesDirectory() throws Exception {
        Files.write(workDir.resolve("rootfs.tar"), new byte[512]);
        InstanceInfo imported = (InstanceInfo) gogo.run("warp:import fresh disks/fresh rootfs.tar");
        assertEquals("fresh", imported.name());
        assertEquals(List.of("import fresh " + workDir.resolve("disks/fresh") + " " + workDir.resolve("rootfs.tar")),
                manager.calls);
    }

    @Test
    void importOfAMissingTarNamesTheInstanceAndFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gogo.run("warp:import fresh disks missing.tar"));
        assertEquals("instance 'fresh': tar '" + workDir.resolve("missing.tar") + "' does not exist", e.getMessage());
        assertTrue(manager.calls.isEmpty());
    }

    @Test
    void exportUnregisterAndSetDefaultReachTheManager() throws Exception {
        assertEquals(workDir.resolve("out.tar"), gogo.run("warp:export debian out.tar"));
        assertTrue(((InstanceInfo) gogo.run("warp:setdefault debian")).isDefault());
        assertEquals("instance 'alpine' unregistered", gogo.run("warp:unregister alpine"));
        assertEquals(List.of("export debian " + workDir.resolve("out.tar"), "setdefault debian", "unregister alpine"),
                manager.calls);
    }

    @Test
    void configureChangesSettingsAndRejectsNonsense() throws Exception {
        InstanceInfo changed = (InstanceInfo) gogo.run("warp:configure debian kvm 2 1024 0");
        assertEquals(new InstanceSettings("kvm", 2, 1024, 0), changed.settings());
        assertTrue(gogo.print("warp:info debian").contains("idle timeout:      never"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gogo.run("warp:configure debian qemu 0 1024 60"));
        assertEquals("instance 'debian': needs at least 1 CPU, not 0", e.getMessage());
        assertEquals(new InstanceSettings("kvm", 2, 1024, 0), manager.info("debian").settings());
    }

    @Test
    void imagesShowManifestAndDiskSize() throws Exception {
        String[] lines = gogo.print("warp:images").split("\n");
        assertEquals("INSTANCE  PERSONALITY  OS                              VERSION  USER  DISK", lines[0]);
        assertEquals("alpine    linux        Debian GNU/Linux 12 (bookworm)  12       root  missing", lines[1]);
        assertEquals("debian    linux        Debian GNU/Linux 12 (bookworm)  12       root  4.0 KiB", lines[2]);
    }
}
