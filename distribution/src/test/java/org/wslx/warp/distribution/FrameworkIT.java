package org.wslx.warp.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.wslx.warp.backend.Backend;
import org.wslx.warp.boot.BootMethod;
import org.wslx.warp.control.ControlPlane;
import org.wslx.warp.image.ImageStore;
import org.wslx.warp.instance.InstanceException;
import org.wslx.warp.instance.InstanceInfo;
import org.wslx.warp.instance.InstanceManager;
import org.wslx.warp.instance.InstanceSettings;
import org.wslx.warp.instance.InstanceState;
import org.wslx.warp.personality.Personality;
import org.wslx.warp.policy.PolicyService;

/**
 * The WARP service's bundles in a real Felix framework: everything resolves and starts, the
 * services and shell commands are there, providers declare their contracts, and providers can be
 * removed and added while the service runs.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FrameworkIT {
    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 30000)
    InstanceManager instances;

    @Configuration
    public Option[] config() throws IOException {
        return ServiceFramework.options("warp-it-").toArray(new Option[0]);
    }

    @Test
    public void everyBundleResolvesAndIsActive() {
        List<String> notActive = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders().get("Fragment-Host") != null;
            if (!fragment && b.getState() != Bundle.ACTIVE) {
                notActive.add(b.getSymbolicName() + " state=" + b.getState());
            }
        }
        assertTrue("bundles not active: " + notActive, notActive.isEmpty());
    }

    @Test
    public void servicesAndShellCommandsAreRegistered() throws InvalidSyntaxException {
        for (Class<?> type : List.of(InstanceManager.class, ControlPlane.class, ImageStore.class, PolicyService.class,
                Personality.class, BootMethod.class, Backend.class)) {
            assertNotNull(type.getSimpleName() + " service missing", context.getServiceReference(type));
        }
        Set<String> functions = new TreeSet<>();
        for (ServiceReference<?> ref : context.getAllServiceReferences(null, "(osgi.command.scope=warp)")) {
            Object f = ref.getProperty("osgi.command.function");
            if (f instanceof String[] names) {
                functions.addAll(Arrays.asList(names));
            } else if (f != null) {
                functions.add(f.toString());
            }
        }
        for (String expected : List.of("list", "info", "start", "stop", "exec", "backends", "personalities",
                "contracts", "policy")) {
            assertTrue("warp:" + expected + " missing from " + functions, functions.contains(expected));
        }
    }

    @Test
    public void providersDeclareTheContractVersionsTheyImplement() {
        Map<String, String> expected = Map.of("org.wslx.warp.backend.qemu", "backend",
                "org.wslx.warp.personality.linux", "personality", "org.wslx.warp.boot.linux", "boot",
                "org.wslx.warp.control", "control", "org.wslx.warp.images", "image", "org.wslx.warp.policy", "policy");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Bundle b = installed(e.getKey());
            List<BundleCapability> caps = b.adapt(BundleRevision.class).getDeclaredCapabilities("warp.contract");
            assertTrue(e.getKey() + " declares " + e.getValue(),
                    caps.stream().anyMatch(c -> e.getValue().equals(c.getAttributes().get("warp.contract"))
                            && c.getAttributes().get("version") != null));
        }
    }

    @Test
    public void personalityInstalledAtRunTimeIsUsedAndRemovingTheBackendStopsItsInstances() throws Exception {
        String image = System.getProperty("warp.default.image");
        assertTrue("default image " + image + " must be built", image != null && Files.isRegularFile(Path.of(image)));
        instances.importInstance("hotswap", null, Path.of(image));

        // Without the personality bundle the instance cannot be composed...
        Bundle personality = installed("org.wslx.warp.personality.linux");
        String location = personality.getLocation();
        personality.uninstall();
        try {
            instances.start("hotswap");
            fail("start without a personality must fail");
        } catch (InstanceException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("no personality named 'linux'"));
        }
        // ...and once a personality bundle is installed again it boots, with no restart.
        context.installBundle(location).start();
        awaitService(Personality.class);
        InstanceInfo running = instances.start("hotswap");
        assertEquals(InstanceState.RUNNING, running.state());
        long qemuBefore = qemuProcessesFor("hotswap").count();
        assertEquals("one QEMU process for the instance", 1, qemuBefore);

        // Removing the backend bundle stops the instance cleanly; the service carries on.
        Bundle backend = installed("org.wslx.warp.backend.qemu");
        String backendLocation = backend.getLocation();
        backend.uninstall();
        InstanceInfo after = instances.info("hotswap");
        assertEquals(InstanceState.STOPPED, after.state());
        assertTrue(after.reason(), after.reason().contains("backend 'qemu' was removed"));
        assertEquals("QEMU process gone", 0, qemuProcessesFor("hotswap").count());
        assertFalse(instances.list().isEmpty());
        instances.unregister("hotswap");

        // Put the backend back for the other tests in this framework.
        context.installBundle(backendLocation).start();
        awaitService(Backend.class);
    }

    @Test
    public void anIdleInstanceIsStoppedAfterItsTimeout() throws Exception {
        instances.importInstance("idle", null, Path.of(System.getProperty("warp.default.image")));
        instances.configure("idle", new InstanceSettings("qemu", 1, 256, 2));
        assertEquals(InstanceState.RUNNING, instances.start("idle").state());
        InstanceInfo info = awaitState("idle", InstanceState.STOPPED, 30);
        assertTrue(info.reason(), info.reason().startsWith("idle since"));
        assertEquals(0, qemuProcessesFor("idle").count());
        instances.unregister("idle");
    }

    @Test
    public void aQemuThatDiesTurnsTheInstanceFailedWithTheConsoleTail() throws Exception {
        instances.importInstance("crash", null, Path.of(System.getProperty("warp.default.image")));
        instances.start("crash");
        ProcessHandle qemu = qemuProcessesFor("crash").findFirst()
                .orElseThrow(() -> new AssertionError("no QEMU process for instance 'crash'"));
        qemu.destroyForcibly();
        InstanceInfo info = awaitState("crash", InstanceState.FAILED, 30);
        assertTrue(info.reason(), info.reason().startsWith("the machine ended unexpectedly"));
        assertTrue("console tail in the reason: " + info.reason(), info.reason().contains("warp-agent: ready"));
        // The service carries on: the same instance boots again.
        assertEquals(InstanceState.RUNNING, instances.start("crash").state());
        instances.unregister("crash");
    }

    private InstanceInfo awaitState(String name, InstanceState wanted, int seconds) throws Exception {
        InstanceInfo info = instances.info(name);
        for (int i = 0; i < seconds * 10 && info.state() != wanted; i++) {
            Thread.sleep(100);
            info = instances.info(name);
        }
        assertEquals(info.reason(), wanted, info.state());
        return info;
    }

    private Bundle installed(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("bundle " + symbolicName + " is not installed"));
    }

    private <T> void awaitService(Class<T> type) throws InterruptedException {
        for (int i = 0; i < 100 && context.getServiceReference(type) == null; i++) {
            Thread.sleep(100);
        }
        assertNotNull(type.getSimpleName() + " did not come back", context.getServiceReference(type));
    }

    private static Stream<ProcessHandle> qemuProcessesFor(String instance) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("qemu-system") && c.contains("/" + instance + "/"))
                        .orElse(false));
    }
}
