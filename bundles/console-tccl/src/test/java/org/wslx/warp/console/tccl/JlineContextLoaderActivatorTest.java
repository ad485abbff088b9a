package org.wslx.warp.console.tccl;

import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URL;
import java.net.URLClassLoader;

import org.jline.terminal.Terminal;
import org.junit.jupiter.api.Test;

class JlineContextLoaderActivatorTest {
    @Test
    void startPointsTheCallingThreadAtJlineAndStopRestoresIt() throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        try (URLClassLoader launcherLoader = new URLClassLoader(new URL[0], null)) {
            thread.setContextClassLoader(launcherLoader);
            JlineContextLoaderActivator activator = new JlineContextLoaderActivator();

            activator.start(null);
            assertSame(Terminal.class.getClassLoader(), thread.getContextClassLoader());

            activator.stop(null);
            assertSame(launcherLoader, thread.getContextClassLoader());
        } finally {
            thread.setContextClassLoader(original);
        }
    }

    @Test
    void threadsStartedAfterwardsInheritJlinesLoader() throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        try (URLClassLoader launcherLoader = new URLClassLoader(new URL[0], null)) {
            thread.setContextClassLoader(launcherLoader);
            JlineContextLoaderActivator activator = new JlineContextLoaderActivator();
            activator.start(null);
            ClassLoader[] seenByConsole = new ClassLoader[1];
            Thread console = new Thread(() -> seenByConsole[0] = Thread.currentThread().getContextClassLoader());
            console.start();
            console.join();

            assertSame(Terminal.class.getClassLoader(), seenByConsole[0]);
            activator.stop(null);
        } finally {
            thread.setContextClassLoader(original);
        }
    }

    @Test
    void stopLeavesALoaderSetBySomeoneElseAlone() throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        try (URLClassLoader other = new URLClassLoader(new URL[0], null)) {
            JlineContextLoaderActivator activator = new JlineContextLoaderActivator();
            activator.start(null);
            thread.setContextClassLoader(other);

            activator.stop(null);
            assertSame(other, thread.getContextClassLoader());
        } finally {
            thread.setContextClassLoader(original);
        }
    }
}
