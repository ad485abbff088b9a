package org.wslx.warp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real JVM, ended by SIGTERM as the system would end the service, runs (or, once closed, skips) the stop. */
class InstancesStopAtExitTest {
    @TempDir
    Path work;

    @Test
    void sigtermRunsTheStop() throws Exception {
        Path marker = work.resolve("stopped");
        terminate(marker, false);
        assertEquals("all instances stopped", Files.readString(marker));
    }

    @Test
    void aClosedHookNoLongerRuns() throws Exception {
        Path marker = work.resolve("stopped");
        terminate(marker, true);
        assertFalse(Files.exists(marker), "the withdrawn hook wrote " + marker);
    }

    /** Starts {@link Child}, waits until its hook is in place, sends SIGTERM and waits for it to end. */
    private static void terminate(Path marker, boolean closeFirst) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                marker.toString(), Boolean.toString(closeFirst)).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("ready", out.readLine());
            child.destroy();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child JVM ends on SIGTERM");
        } finally {
            child.destroyForcibly();
        }
    }

    /** The JVM under test: installs the hook, says so, and waits to be terminated. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Path marker = Path.of(args[0]);
            InstancesStopAtExit hook = new InstancesStopAtExit(() -> {
                try {
                    Files.writeString(marker, "all instances stopped");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            if (Boolean.parseBoolean(args[1])) {
                hook.close();
            }
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
