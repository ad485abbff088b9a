package org.wslx.warp.cli.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.felix.service.command.CommandProcessor;
import org.wslx.warp.control.ExecRequest;
import org.wslx.warp.control.GuestProcess;
import org.wslx.warp.control.TerminalSize;
import org.wslx.warp.instance.InstanceException;
import org.wslx.warp.instance.InstanceInfo;
import org.wslx.warp.instance.InstanceManager;

/** Serves one parsed request against the instance manager; returns the code wslx exits with. */
final class ClientSession {
    private final InstanceManager instances;
    private final Supplier<CommandProcessor> gogo;
    private final LinkConnection link;
    private final ClientRequest request;

    ClientSession(InstanceManager instances, Supplier<CommandProcessor> gogo, LinkConnection link, ClientRequest request) {
        this.instances = instances;
        this.gogo = gogo;
        this.link = link;
        this.request = request;
    }

    int serve(Invocation call) throws Exception {
        try {
            return switch (call.verb()) {
                case HELP -> print(CommandLineParser.USAGE);
                case LIST -> print(call.json() ? InstanceRenderer.json(instances.list())
                        : InstanceRenderer.list(instances.list(), call.verbose()));
                case INFO -> {
                    InstanceInfo info = instances.info(call.instance());
                    yield print(call.json() ? InstanceRenderer.json(info) : InstanceRenderer.info(info));
                }
                case IMPORT -> {
                    List<String> paths = call.paths();
                    Path directory = paths.size() == 2 ? resolve(paths.get(0)) : null;
                    InstanceInfo imported = instances.importInstance(call.instance(), directory,
                            resolve(paths.get(paths.size() - 1)));
                    yield print("Instance '" + imported.name() + "' imported.\n");
                }
                case EXPORT -> {
                    instances.exportInstance(call.instance(), resolve(call.paths().get(0)));
                    yield print("Instance '" + call.instance() + "' exported.\n");
                }
                case UNREGISTER -> {
                    instances.unregister(call.instance());
                    yield print("Unregistered '" + call.instance() + "'.\n");
                }
                case SET_DEFAULT -> {
                    instances.setDefault(call.instance());
                    yield 0;
                }
                case MANAGE -> {
                    InstanceInfo changed = instances.configure(call.instance(),
                            InstanceSettingsChange.apply(instances.info(call.instance()).settings(),
                                    call.paths().get(0), call.paths().get(1)));
                    yield print("Instance '" + changed.name() + "': " + InstanceRenderer.settings(changed.settings())
                            + " (from its next boot).\n");
                }
                case TERMINATE -> {
                    instances.terminate(call.instance());
                    yield 0;
                }
                case SHUTDOWN -> {
                    instances.shutdownAll();
                    yield 0;
                }
                case GOGO_SHELL -> {
                    CommandProcessor processor = gogo.get();
                    if (processor == null) {
                        yield fail("wslx: the Gogo shell is not available in this service");
                    }
                    yield GogoRepl.run(processor, link);
                }
                case EXEC, LOGIN_SHELL -> exec(call);
            };
        } catch (InstanceException e) {
            return fail("wslx: " + e.getMessage());
        }
    }

    private int exec(Invocation call) throws Exception {
        String name = call.instance() != null ? call.instance() : instances.defaultInstance().orElse(null);
        if (name == null) {
            return fail("wslx: there is no default instance; import one with --import or name one with -d");
        }
        boolean terminal = request.stdinIsTty() && request.stdoutIsTty();
        Map<String, String> env = new HashMap<>();
        if (terminal && request.env().containsKey("TERM")) {
            env.put("TERM", request.env().get("TERM"));
        }
        TerminalSize size = terminal ? new TerminalSize(request.rows() > 0 ? request.rows() : 24,
                request.cols() > 0 ? request.cols() : 80) : null;
        GuestProcess process = instances.exec(name, new ExecRequest(call.command(), env, call.cwd(), call.user(), size));
        ExecRelay relay = new ExecRelay(process);
        link.setControls(relay);
        if (process.terminal()) {
            link.terminalRaw();
        }
        return relay.run(link);
    }

    /** DIR and TAR arguments are the client's paths: relative ones start at its working directory. */
    private Path resolve(String path) {
        return Path.of(request.cwd()).resolve(path).normalize();
    }

    private int print(String text) throws java.io.IOException {
        link.stdout().write(text.getBytes(StandardCharsets.UTF_8));
        return 0;
    }

    private int fail(String message) throws java.io.IOException {
        link.printError(message);
        return 1;
    }
}
