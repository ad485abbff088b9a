package org.wslx.warp.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;

/**
 * The instance lifecycle verbs through the real {@code wslx} and service, on real busybox guests:
 * export and import, unregister, set-default, terminate, shutdown, {@code .wsl} files with a default
 * user, {@code --list --json}, a service restart, and Ctrl-C.
 */
@TestInstance(Lifecycle.PER_CLASS)
class LifecycleSystemIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOOT_ID = "/proc/sys/kernel/random/boot_id";

    private WarpCli wslx;
    private Path image;

    @BeforeAll
    void startWithOneInstance() throws IOException {
        wslx = new WarpCli("life", "");
        image = Path.of(System.getProperty("warp.default.image"));
        importBusybox("base");
    }

    @AfterAll
    void stopTheService() {
        wslx.closeAndDeleteState();
    }

    @Test
    void anExportedInstanceImportsUnderANewNameWithItsFiles() {
        importBusybox("origin");
        ok("-d", "origin", "--", "sh", "-c", "echo 'written before export' > /root/marker && chmod 640 /root/marker");
        Path tar = wslx.stateDirectory().resolve("origin-export.tar");
        ok("--export", "origin", tar.toString());
        assertTrue(tar.toFile().length() > 1024 * 1024, "the export holds busybox: " + tar.toFile().length());

        ok("--import", "copy", dir("copy"), tar.toString());
        assertEquals("written before export\n", ok("-d", "copy", "--", "cat", "/root/marker"));
        assertEquals("640\n", ok("-d", "copy", "--", "stat", "-c", "%a", "/root/marker"));
        ok("--unregister", "copy");
        ok("--unregister", "origin");
    }

    @Test
    void unregisterRemovesTheInstanceAndItsRootDisk() throws IOException {
        importBusybox("doomed");
        Path disk = Path.of(info("doomed").get("rootDisk").asText());
        assertTrue(Files.isRegularFile(disk), "root disk " + disk + " exists after import");

        assertEquals("Unregistered 'doomed'.\n", ok("--unregister", "doomed"));
        assertFalse(names(ok("--list")).contains("doomed"), "doomed is gone from --list");
        assertFalse(Files.exists(disk), "root disk " + disk + " is deleted");
        WarpCli.Result again = wslx.run("-d", "doomed", "--", "true");
        assertEquals(1, again.exitCode(), again.toString());
        assertTrue(again.stderr().contains("'doomed' is not registered"), again.stderr());
    }

    @Test
    void setDefaultDecidesWhereAPlainCommandRuns() {
        importBusybox("other");
        ok("--set-default", "other");
        assertEquals("other\n", ok("--", "sh", "-c", "echo $WARP_INSTANCE"));
        assertTrue(ok("--list").contains("other (Default)"), "--list marks the default");

        ok("--set-default", "base");
        assertEquals("base\n", ok("--", "sh", "-c", "echo $WARP_INSTANCE"));
        assertTrue(ok("--list").contains("base (Default)"));
        ok("--unregister", "other");
    }

    @Test
    void terminateStopsTheInstanceAndTheNextCommandBootsAgain() {
        String before = ok("-d", "base", "--", "cat", BOOT_ID);
        assertEquals("Running", stateColumn("base"));

        ok("--terminate", "base");
        assertEquals("Stopped", stateColumn("base"));
        String after = ok("-d", "base", "--", "cat", BOOT_ID);
        assertEquals(37, after.length(), after);
        assertNotEquals(before, after, "a new boot has a new boot_id");
        assertEquals("Running", stateColumn("base"));
    }

    @Test
    void shutdownStopsEveryInstance() {
        importBusybox("second");
        ok("-d", "base", "--", "true");
        ok("-d", "second", "--", "true");
        assertTrue(countQemuProcesses() >= 2, () -> "both machines run before --shutdown:\n"
                + ok("--list", "--verbose") + qemuProcesses());

        ok("--shutdown");
        for (JsonNode instance : list()) {
            assertEquals("STOPPED", instance.get("state").asText(), instance.toString());
        }
        assertEquals(0, countQemuProcesses(), "no QEMU process is left");
        ok("--unregister", "second");
    }

    @Test
    void aWslFileNamesTheDefaultUserAndUserOverridesIt() throws Exception {
        Path wsl = wslFileWithDefaultUser("ada", 1234);
        ok("--import", "wslfile", dir("wslfile"), wsl.toString());
        assertEquals("ada", info("wslfile").get("defaultUser").asText());

        assertEquals("ada\n", ok("-d", "wslfile", "--", "id", "-un"));
        assertEquals("root\n", ok("-d", "wslfile", "--user", "root", "--", "id", "-un"));
        assertEquals("1234 /home/ada\n", ok("-d", "wslfile", "-e", "sh", "-c", "echo $(id -u) $PWD"));
        ok("--unregister", "wslfile");
    }

    @Test
    void listJsonIsJsonWithTheInstanceFields() {
        List<JsonNode> instances = list();
        JsonNode base = instances.stream().filter(i -> i.get("name").asText().equals("base")).findFirst()
                .orElseThrow(() -> new AssertionError("base missing from " + instances));
        for (String field : List.of("name", "state", "reason", "default", "backend", "cpus", "memoryMiB",
                "idleTimeoutSeconds", "installDirectory", "rootDisk", "personality", "registeredAt", "activeProcesses")) {
            assertTrue(base.has(field), field + " missing from " + base);
        }
        assertEquals("qemu", base.get("backend").asText());
        assertEquals("linux", base.get("personality").asText());
        assertTrue(base.get("cpus").isInt() && base.get("memoryMiB").asInt() >= 64, base.toString());
        assertTrue(base.get("rootDisk").asText().startsWith(dir("base")), base.toString());
        assertEquals(1, instances.stream().filter(i -> i.get("default").asBoolean()).count(), "exactly one default");
    }

    @Test
    void theRegistrySurvivesAServiceRestart() {
        importBusybox("keeper");
        String bootBefore = ok("-d", "keeper", "--", "cat", BOOT_ID);
        long servicePid = wslx.services().get(0).pid();

        wslx.terminateService();
        String orphans = qemuProcesses();
        ProcessHandle.allProcesses().filter(p -> orphans.startsWith(p.pid() + " ") || orphans.contains("\n" + p.pid() + " "))
                .forEach(ProcessHandle::destroyForcibly);
        assertEquals("", orphans, "the service took its machines with it");

        List<String> listed = names(ok("--list"));
        assertTrue(listed.contains("keeper") && listed.contains("base"), listed.toString());
        assertNotEquals(servicePid, wslx.services().get(0).pid(), "--list started a new service");
        String bootAfter = ok("-d", "keeper", "--", "cat", BOOT_ID);
        assertEquals(37, bootAfter.length(), bootAfter);
        assertNotEquals(bootBefore, bootAfter);
        ok("--unregister", "keeper");
    }

    @Test
    void ctrlCEndsTheGuestProcessAndWslxExits130() throws Exception {
        Process sleeper = wslx.start("-d", "base", "--", "sleep", "60");
        CompletableFuture<byte[]> out = WarpCli.drain(sleeper.getInputStream());
        CompletableFuture<byte[]> err = WarpCli.drain(sleeper.getErrorStream());
        sleeper.getOutputStream().close();
        awaitGuestProcess("sleep 60", true);

        long started = System.nanoTime();
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(sleeper.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        assertTrue(sleeper.waitFor(15, TimeUnit.SECONDS), "wslx ends within 15 s of SIGINT");
        WarpCli.Result r = WarpCli.finish(sleeper, out, err);
        assertEquals(130, r.exitCode(), r.toString());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(15));
        awaitGuestProcess("sleep 60", false);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private void importBusybox(String name) {
        ok("--import", name, dir(name), image.toString());
    }

    private String dir(String name) {
        return wslx.stateDirectory().resolve("instances").resolve(name).toString();
    }

    /** Runs wslx, insists on exit code 0 and returns stdout. */
    private String ok(String... args) {
        WarpCli.Result r = wslx.run(args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + ": " + r);
        return r.stdout();
    }

    private List<JsonNode> list() {
        try {
            JsonNode tree = JSON.readTree(ok("--list", "--json"));
            assertTrue(tree.isArray(), tree.toString());
            List<JsonNode> items = new java.util.ArrayList<>();
            tree.forEach(items::add);
            return items;
        } catch (IOException e) {
            throw new AssertionError("--list --json is not JSON", e);
        }
    }

    private JsonNode info(String name) {
        try {
            return JSON.readTree(ok("--info", name, "--json"));
        } catch (IOException e) {
            throw new AssertionError("--info --json is not JSON", e);
        }
    }

    /** Instance names in the plain {@code --list} output. */
    private static List<String> names(String list) {
        return list.lines().skip(1).map(l -> l.replace(" (Default)", "").strip()).toList();
    }

    /** The STATE column of {@code --list --verbose} for {@code name}. */
    private String stateColumn(String name) {
        String table = ok("--list", "--verbose");
        for (String line : table.lines().skip(1).toList()) {
            String[] columns = line.substring(1).strip().split("\\s+");
            if (columns[0].equals(name)) {
                return columns[1];
            }
        }
        throw new AssertionError(name + " is not in --list --verbose:\n" + table);
    }

    private long countQemuProcesses() {
        return qemuProcesses().lines().count();
    }

    /** One line per QEMU process of this test's instances: pid and the start of its command line. */
    private String qemuProcesses() {
        String mine = wslx.stateDirectory().toString();
        StringBuilder lines = new StringBuilder();
        ProcessHandle.allProcesses().forEach(p -> p.info().commandLine()
                .filter(c -> c.contains("qemu-system") && c.contains(mine))
                .ifPresent(c -> lines.append(p.pid()).append(' ').append(c, 0, Math.min(80, c.length())).append('\n')));
        return lines.toString();
    }

    /** Polls {@code ps} in the guest until a process with {@code commandLine} is (or is no longer) there. */
    private void awaitGuestProcess(String commandLine, boolean present) throws InterruptedException {
        String ps = "";
        for (int i = 0; i < 100; i++) {
            ps = ok("-d", "base", "--", "ps", "-o", "args");
            if (ps.lines().anyMatch(l -> l.strip().equals(commandLine)) == present) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("'" + commandLine + "' " + (present ? "never appeared" : "never went away") + " in:\n" + ps);
    }

    /**
     * A {@code .wsl} file as WSL distributions ship them: the busybox root as a gzip tar, with a user
     * in /etc/passwd and /etc/wsl-distribution.conf choosing that user's uid as the default.
     */
    private Path wslFileWithDefaultUser(String user, int uid) throws IOException, InterruptedException {
        Path root = wslx.stateDirectory().resolve("wsl-root");
        Files.createDirectories(root);
        sh("tar", "-xf", image.toString(), "-C", root.toString());
        Files.writeString(root.resolve("etc/passwd"), user + ":x:" + uid + ":" + uid + "::/home/" + user + ":/bin/sh\n",
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Files.writeString(root.resolve("etc/group"), user + ":x:" + uid + ":\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        Files.createDirectories(root.resolve("home/" + user));
        Files.writeString(root.resolve("etc/wsl-distribution.conf"),
                "# chosen at first start, as WSL's OOBE would\n[oobe]\ndefaultUid = " + uid + "\n");
        Path wsl = wslx.stateDirectory().resolve("ada.wsl");
        sh("tar", "--numeric-owner", "-czf", wsl.toString(), "-C", root.toString(), ".");
        return wsl;
    }

    private static void sh(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + output);
    }
}
