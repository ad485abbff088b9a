package org.wslx.warp.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.junit.Assume.assumeTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

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
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;
import org.wslx.warp.backend.Backend;
import org.wslx.warp.boot.BootMethod;
import org.wslx.warp.image.ImageFormat;
import org.wslx.warp.instance.InstanceException;
import org.wslx.warp.instance.InstanceInfo;
import org.wslx.warp.instance.InstanceManager;
import org.wslx.warp.instance.InstanceSettings;
import org.wslx.warp.instance.InstanceState;
import org.wslx.warp.personality.Personality;

/**
 * Track B's wiring in a real Felix framework: the personality, its image format, the {@code elf64}
 * boot method and the KVM backend are registered and declare their contracts; a Track B image is
 * imported through the core and routed to its format; removing the format's bundle makes the
 * instance's image operations fail clearly; removing the KVM backend stops its running instance.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TrackBFrameworkIT {
    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 30000)
    InstanceManager instances;

    @Configuration
    public Option[] config() throws IOException {
        List<Option> options = ServiceFramework.options("warp-tbit-");
        options.add(systemProperty("warp.trackb.samples").value(TrackBImages.samplesDirectory().toString()));
        return options.toArray(new Option[0]);
    }

    @Test
    public void theTrackBProvidersAreRegisteredAndDeclareTheirContracts() throws Exception {
        Personality trackb = service(Personality.class, "(" + Personality.SERVICE_NAME_PROPERTY + "=trackb)");
        assertEquals("B", trackb.descriptor().track());
        assertTrue(trackb.descriptor().kernel(), trackb.descriptor().kernel().startsWith("warp-kernel "));
        assertNotNull(service(ImageFormat.class, "(" + ImageFormat.SERVICE_NAME_PROPERTY + "=warpb)"));
        assertNotNull(service(BootMethod.class, "(" + BootMethod.SERVICE_NAME_PROPERTY + "=elf64)"));
        Backend kvm = service(Backend.class, "(" + Backend.SERVICE_NAME_PROPERTY + "=kvm)");
        assertTrue(kvm.bootMethods().toString(), kvm.bootMethods().contains("elf64"));
        Backend qemu = service(Backend.class, "(" + Backend.SERVICE_NAME_PROPERTY + "=qemu)");
        assertTrue(qemu.bootMethods().toString(), qemu.bootMethods().containsAll(Set.of("linux", "elf64")));

        assertDeclares("org.wslx.warp.personality.trackb", "personality", "1.0.0");
        assertDeclares("org.wslx.warp.personality.trackb", "image", "1.1.0");
        assertDeclares("org.wslx.warp.backend.kvm", "backend", null);
        assertDeclares("org.wslx.warp.boot.elf64", "boot", null);
    }

    @Test
    public void aTrackBImageGoesToItsFormatAndNeedsItsBundleForExport() throws Exception {
        Path state = Files.createTempDirectory(Path.of("/tmp"), "warp-tbit-img-");
        Path image = TrackBImages.pack(TrackBImages.samplesDirectory(), state.resolve("samples.warpb"));
        InstanceInfo info = instances.importInstance("tbwired", null, image);
        assertEquals("trackb", info.manifest().personality());
        assertEquals("warpb", info.manifest().attributes().get(ImageFormat.FORMAT_ATTRIBUTE));
        assertTrue(Files.isRegularFile(info.rootDisk()));

        Bundle personality = installed("org.wslx.warp.personality.trackb");
        String location = personality.getLocation();
        personality.uninstall();
        try {
            instances.exportInstance("tbwired", state.resolve("out.warpb"));
            fail("export without the format's bundle must fail");
        } catch (InstanceException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("no bundle providing that image format"));
        }
        context.installBundle(location).start();
        service(ImageFormat.class, "(" + ImageFormat.SERVICE_NAME_PROPERTY + "=warpb)");
        instances.exportInstance("tbwired", state.resolve("out.warpb"));
        assertTrue(Arrays.equals(Files.readAllBytes(image), Files.readAllBytes(state.resolve("out.warpb"))));
        instances.unregister("tbwired");
        assertTrue(!Files.exists(info.rootDisk()));
    }

    @Test
    public void removingTheKvmBackendStopsItsRunningInstance() throws Exception {
        boolean kvmUsable = Files.isReadable(Path.of("/dev/kvm")) && Files.isWritable(Path.of("/dev/kvm"));
        if (!kvmUsable) {
            System.out.println("TrackBFrameworkIT: /dev/kvm is absent or not usable; the KVM hot-removal test is skipped");
        }
        assumeTrue("/dev/kvm is absent or not usable", kvmUsable);
        Path state = Files.createTempDirectory(Path.of("/tmp"), "warp-tbit-kvm-");
        instances.importInstance("tbkvm", null, TrackBImages.pack(TrackBImages.samplesDirectory(), state.resolve("s.warpb")));
        instances.configure("tbkvm", new InstanceSettings("kvm", 1, 256, 0));
        assertEquals(InstanceState.RUNNING, instances.start("tbkvm").state());

        Bundle backend = installed("org.wslx.warp.backend.kvm");
        String location = backend.getLocation();
        backend.uninstall();
        InstanceInfo after = instances.info("tbkvm");
        assertEquals(InstanceState.STOPPED, after.state());
        assertTrue(after.reason(), after.reason().contains("backend 'kvm' was removed"));
        instances.unregister("tbkvm");
        context.installBundle(location).start();
        service(Backend.class, "(" + Backend.SERVICE_NAME_PROPERTY + "=kvm)");
    }

    private <T> T service(Class<T> type, String filter) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            var refs = context.getServiceReferences(type, filter);
            if (!refs.isEmpty()) {
                ServiceReference<T> ref = refs.iterator().next();
                return context.getService(ref);
            }
            Thread.sleep(50);
        }
        throw new AssertionError(type.getSimpleName() + " " + filter + " is not registered");
    }

    private Bundle installed(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError(symbolicName + " is not installed"));
    }

    private void assertDeclares(String bundle, String contract, String version) {
        boolean found = installed(bundle).adapt(BundleRevision.class).getDeclaredCapabilities("warp.contract").stream()
                .anyMatch(c -> contract.equals(c.getAttributes().get("warp.contract"))
                        && (version == null || version.equals(String.valueOf(c.getAttributes().get("version")))));
        assertTrue(bundle + " declares " + contract + (version == null ? "" : " " + version), found);
    }
}
