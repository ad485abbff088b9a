package org.wslx.warp.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.util.Filter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.wslx.warp.control.ExecRequest;
import org.wslx.warp.control.GuestProcess;
import org.wslx.warp.instance.InstanceException;
import org.wslx.warp.instance.InstanceManager;
import org.wslx.warp.policy.PolicyDocument;
import org.wslx.warp.policy.PolicyService;
import org.wslx.warp.surface.IntegrationSurface;
import org.wslx.warp.surface.SurfaceAttachment;
import org.wslx.warp.surface.SurfaceContext;

/**
 * Policy switched while the service runs, seen through the Gogo shell and on a running guest: a
 * backend policy no longer allows cannot boot; a surface is off until policy allows it, attaches
 * to the running instance when allowed and detaches when withdrawn.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PolicySwitchingIT {
    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 30000)
    InstanceManager instances;

    @Inject
    @Filter(timeout = 30000)
    PolicyService policy;

    @Inject
    @Filter(timeout = 30000)
    CommandProcessor shell;

    @Configuration
    public Option[] config() throws Exception {
        return ServiceFramework.options("warp-it-").toArray(new Option[0]);
    }

    @Test
    public void shellCommandsReturnWhatTheServiceKnows() throws Exception {
        String backends = gogo("warp:backends");
        assertTrue(backends, backends.contains("qemu") && backends.contains("tcg"));
        String personalities = gogo("warp:personalities");
        assertTrue(personalities, personalities.contains("linux"));
        String contracts = gogo("warp:contracts");
        for (String contract : List.of("backend", "personality", "boot", "control", "image", "policy")) {
            assertTrue(contract + " missing in\n" + contracts, contracts.contains(contract));
        }
        assertTrue(gogo("warp:policy"), gogo("warp:policy").contains("*"));
    }

    @Test
    public void policyGatesBackendsAndSwitchesSurfacesOnARunningInstance() throws Exception {
        String image = System.getProperty("warp.default.image");
        assertTrue("default image must be built", Files.isRegularFile(Path.of(image)));
        instances.importInstance("gated", null, Path.of(image));
        PolicyDocument original = policy.document();
        try {
            policy.update(new PolicyDocument(List.of("some-other-backend"), List.of("*"), List.of(), Map.of()));
            try {
                instances.start("gated");
                fail("a backend policy does not allow must not boot");
            } catch (InstanceException expected) {
                assertTrue(expected.getMessage(), expected.getMessage().contains("backend 'qemu' is not allowed by policy"));
            }

            policy.update(PolicyDocument.defaults());
            RecordingSurface surface = new RecordingSurface();
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(IntegrationSurface.SERVICE_NAME_PROPERTY, "probe");
            ServiceRegistration<IntegrationSurface> registration =
                    context.registerService(IntegrationSurface.class, surface, props);
            try {
                instances.start("gated");
                assertEquals("surfaces are off until policy names them", List.of(), surface.events);

                policy.update(new PolicyDocument(List.of("*"), List.of("*"), List.of("probe"), Map.of()));
                assertEquals(List.of("attach gated"), surface.events);
                // The attachment got the instance's live session: use it.
                GuestProcess echo = surface.lastContext.session().exec(ExecRequest.of("echo", "through the surface"));
                assertEquals("through the surface\n",
                        new String(echo.stdout().readAllBytes(), StandardCharsets.UTF_8));
                assertEquals(0, echo.exit().toCompletableFuture().get().shellCode());

                policy.update(PolicyDocument.defaults());
                assertEquals(List.of("attach gated", "detach gated"), surface.events);
                assertTrue(gogo("warp:decisions 50"), gogo("warp:decisions 50").contains("probe"));
            } finally {
                registration.unregister();
            }
        } finally {
            policy.update(original);
            instances.unregister("gated");
        }
    }

    private String gogo(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = shell.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            Object result = session.execute(command);
            if (result != null) {
                print.println(session.format(result, 0));
            }
        } finally {
            session.close();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A surface that only records what the core asks of it. */
    static final class RecordingSurface implements IntegrationSurface {
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile SurfaceContext lastContext;

        @Override
        public String name() {
            return "probe";
        }

        @Override
        public SurfaceAttachment attach(SurfaceContext surfaceContext) {
            lastContext = surfaceContext;
            events.add("attach " + surfaceContext.instanceName());
            return new SurfaceAttachment() {
                @Override
                public String describe() {
                    return "probe on " + surfaceContext.instanceName();
                }

                @Override
                public void close() {
                    events.add("detach " + surfaceContext.instanceName());
                }
            };
        }
    }
}
