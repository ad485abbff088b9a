package org.wslx.warp.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
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
import org.wslx.warp.backend.Backend;
import org.wslx.warp.control.ExecRequest;
import org.wslx.warp.control.ExitStatus;
import org.wslx.warp.control.GuestProcess;
import org.wslx.warp.instance.InstanceException;
import org.wslx.warp.instance.InstanceInfo;
import org.wslx.warp.instance.InstanceManager;
import org.wslx.warp.instance.InstanceSettings;
import org.wslx.warp.instance.InstanceState;

/**
 * A guest that speaks garbage on the control plane, through a test-double backend whose machine's
 * control channel replays malformed frames. The real core, personality, boot method and control
 * plane handle it: the boot fails with a sentence naming the instance and the protocol problem,
 * the host tells the guest why, the machine is stopped, and the service goes on booting real guests.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GuestProtocolErrorsIT {
    private static final int HELLO = 0x0001;
    private static final int ERROR = 0x007F;
    private static final int ERROR_PROTOCOL = 1;
    private static final int ERROR_AUTHENTICATION = 2;

    @Inject
    BundleContext context;

    @Inject
    @Filter(timeout = 30000)
    InstanceManager instances;

    private final GarbageBackend garbage = new GarbageBackend();
    private ServiceRegistration<Backend> registration;

    @Configuration
    public Option[] config() throws IOException {
        return ServiceFramework.options("warp-it-").toArray(new Option[0]);
    }

    @Before
    public void registerTheGarbageBackend() throws Exception {
        Hashtable<String, Object> properties = new Hashtable<>(Map.of(Backend.SERVICE_NAME_PROPERTY, GarbageBackend.NAME));
        registration = context.registerService(Backend.class, garbage, properties);
        String image = System.getProperty("warp.default.image");
        assertTrue("default image " + image + " must be built", image != null && Files.isRegularFile(Path.of(image)));
        if (instances.list().stream().noneMatch(i -> i.name().equals("junk"))) {
            instances.importInstance("junk", null, Path.of(image));
            instances.configure("junk", new InstanceSettings(GarbageBackend.NAME, 1, 256, 0));
        }
    }

    @After
    public void unregisterIt() {
        registration.unregister();
    }

    @Test
    public void aHelloWithTheWrongSecretIsRefused() throws Exception {
        byte[] wrongSecret = new byte[32];
        garbage.nextGuestSends(frame(HELLO, hello(wrongSecret)), true);

        String message = failedStart("junk");
        assertTrue(message, message.contains("boot secret is wrong"));
        assertEquals("the host answered ERROR with code 2", ERROR_AUTHENTICATION, errorCodeSentBack());
        assertFailedWith("junk", "boot secret is wrong");
    }

    @Test
    public void aFrameLongerThanTheProtocolAllowsIsRefused() throws Exception {
        byte[] header = header(99_999_999, HELLO);
        garbage.nextGuestSends(header, true);

        String message = failedStart("junk");
        assertTrue(message, message.contains("frame length 99999999 exceeds 65536"));
        assertEquals("the host answered ERROR with code 1", ERROR_PROTOCOL, errorCodeSentBack());
        assertFailedWith("junk", "frame length 99999999");
    }

    @Test
    public void aHeaderCutShortByTheEndOfTheStreamIsReported() throws Exception {
        byte[] partial = new byte[5];
        System.arraycopy(header(8, HELLO), 0, partial, 0, partial.length);
        garbage.nextGuestSends(partial, false);

        String message = failedStart("junk");
        assertTrue(message, message.contains("ended after 5 of 12 header bytes"));
        assertFailedWith("junk", "5 of 12 header bytes");
    }

    @Test
    public void afterGarbageTheServiceStillListsAndBootsARealGuest() throws Exception {
        garbage.nextGuestSends(frame(HELLO, hello(new byte[32])), true);
        failedStart("junk");

        assertTrue(instances.list().stream().anyMatch(i -> i.name().equals("junk")));
        String image = System.getProperty("warp.default.image");
        instances.importInstance("healthy", null, Path.of(image));
        try {
            GuestProcess echo = instances.exec("healthy", new ExecRequest(List.of("echo", "alive"), Map.of(), "", "", null));
            echo.stdin().close();
            String out = new String(echo.stdout().readAllBytes(), StandardCharsets.UTF_8);
            ExitStatus status = echo.exit().toCompletableFuture().get();
            assertEquals("alive\n", out);
            assertEquals(0, status.shellCode());
            assertEquals(InstanceState.RUNNING, instances.info("healthy").state());
        } finally {
            instances.unregister("healthy");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** Starts the instance, which must fail; returns the message, after checking the machine went. */
    private String failedStart(String name) {
        try {
            instances.start(name);
            fail("instance '" + name + "' started on a guest that speaks garbage");
            return null;
        } catch (InstanceException e) {
            String message = e.getMessage();
            assertTrue(message, message.startsWith("instance '" + name + "': "));
            assertTrue(message, message.contains("control plane"));
            GarbageBackend.GarbageMachine machine = garbage.lastMachine();
            assertNotNull("the core launched a machine", machine);
            assertTrue("the core stopped the machine it could not talk to", machine.stopped());
            return message;
        }
    }

    private void assertFailedWith(String name, String problem) throws InstanceException {
        InstanceInfo info = instances.info(name);
        assertEquals(InstanceState.FAILED, info.state());
        assertTrue(info.reason(), info.reason().contains(problem));
        assertFalse(instances.list().isEmpty());
    }

    /** The code of the ERROR frame the host wrote first, or -1 if it wrote something else. */
    private int errorCodeSentBack() {
        ByteBuffer sent = ByteBuffer.wrap(garbage.lastMachine().hostWrote()).order(ByteOrder.LITTLE_ENDIAN);
        assertTrue("the host wrote a whole frame header", sent.remaining() >= 14);
        sent.getInt(); // length
        int type = Short.toUnsignedInt(sent.getShort());
        sent.position(12);
        return type == ERROR ? Short.toUnsignedInt(sent.getShort()) : -1;
    }

    private static byte[] header(int length, int type) {
        return ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(length).putShort((short) type)
                .put((byte) 0).put((byte) 0).putInt(0).array();
    }

    private static byte[] frame(int type, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header(payload.length, type));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    /** HELLO 1.0, no capabilities, the given secret, agent "garbage-guest". */
    private static byte[] hello(byte[] secret) {
        byte[] agent = "garbage-guest".getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + 2 + 4 + 4 + secret.length + 4 + agent.length).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 1).putShort((short) 0).putInt(0).putInt(secret.length).put(secret)
                .putInt(agent.length).put(agent).array();
    }
}
