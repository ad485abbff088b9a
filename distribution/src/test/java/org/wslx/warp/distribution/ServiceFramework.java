package org.wslx.warp.distribution;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ops4j.pax.exam.Option;

/**
 * The Pax Exam set-up every in-framework test shares: the exported WARP service bundles in a fresh
 * Felix framework, with a state directory of its own and no idle exit.
 */
final class ServiceFramework {
    /** Bundles that need a terminal; the test JVM's stdin belongs to the test runner. */
    private static final List<String> CONSOLE_BUNDLES = List.of("gogo.jline", "org.jline", "jline-", "console.tccl");

    private ServiceFramework() {
    }

    /**
     * The options for one framework; the list may be extended before it is handed to Pax Exam.
     *
     * @param statePrefix the name prefix of the framework's state directory under /tmp
     */
    static List<Option> options(String statePrefix) throws IOException {
        File exportDir = new File(System.getProperty("warp.export.dir", "target/export/warp"));
        File[] jars = exportDir.listFiles((d, n) -> n.endsWith(".jar"));
        if (jars == null || jars.length == 0) {
            throw new IllegalStateException("no bundles in " + exportDir + "; run the package phase first");
        }
        Arrays.sort(jars);
        Path state = Files.createTempDirectory(Path.of("/tmp"), statePrefix);
        List<Option> options = new ArrayList<>();
        for (File jar : jars) {
            if (CONSOLE_BUNDLES.stream().noneMatch(jar.getName()::contains)) {
                options.add(bundle(jar.toURI().toString()));
            }
        }
        options.add(junitBundles());
        options.add(cleanCaches());
        options.add(frameworkProperty("warp.data.dir").value(state.resolve("data").toString()));
        options.add(frameworkProperty("warp.runtime.dir").value(state.resolve("run").toString()));
        options.add(frameworkProperty("warp.service.idleExitSeconds").value("0"));
        options.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        return options;
    }
}
