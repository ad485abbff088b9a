package org.wslx.warp.cli.server;

import java.util.ArrayList;
import java.util.List;

import org.wslx.warp.cli.server.Invocation.Verb;

/**
 * Parses {@code wslx} arguments with {@code wsl.exe}'s verbs and meanings: options first, then a
 * verb or a command. {@code -e CMD ARGS} and {@code -- CMD ARGS} run the program as given; bare
 * words run through {@code /bin/sh -c} like wsl.exe's default shell; nothing runs a login shell.
 */
final class CommandLineParser {
    static final String USAGE = """
            Usage: wslx [-d NAME] [-u USER] [--cd DIR] [-e CMD ARGS... | -- CMD ARGS... | COMMAND LINE]
                   wslx run [-d NAME] -- CMD ARGS...
                   wslx shell
                   wslx --import NAME [DIR] FILE | --export NAME FILE | --unregister NAME
                   wslx --list [--verbose] [--json] | --info NAME [--json]
                   wslx --manage NAME --set-backend qemu|kvm | --set-memory MIB | --set-cpus N
                   wslx --set-default NAME | --terminate NAME | --shutdown | --help
            """;

    private final List<String> args;
    private int next;
    private Verb verb;
    private String instance;
    private String user = "";
    private String cwd = "";
    private final List<String> command = new ArrayList<>();
    private final List<String> paths = new ArrayList<>();
    private boolean verbose;
    private boolean json;

    private CommandLineParser(List<String> args) {
        this.args = args;
    }

    static Invocation parse(List<String> args) throws UsageException {
        return new CommandLineParser(args).parse();
    }

    private Invocation parse() throws UsageException {
        while (next < args.size()) {
            String arg = args.get(next++);
            switch (arg) {
                case "-d", "--distribution" -> instance = value(arg, "an instance name");
                case "-u", "--user" -> user = value(arg, "a user name");
                case "--cd" -> cwd = value(arg, "a directory");
                case "-e", "--exec" -> {
                    if (next >= args.size()) {
                        throw new UsageException("option '" + arg + "' needs a command");
                    }
                    return exec(args.subList(next, args.size()));
                }
                case "--" -> {
                    if (next >= args.size()) {
                        throw new UsageException("'--' must be followed by a command");
                    }
                    return exec(args.subList(next, args.size()));
                }
                case "--import" -> {
                    // wsl.exe insists on an install location; here it is optional (the service has a default)
                    verb(Verb.IMPORT, arg, 2);
                    if (next < args.size() && !args.get(next).startsWith("-") && !args.get(next).isEmpty()) {
                        paths.add(args.get(next++));
                    }
                }
                case "--export" -> verb(Verb.EXPORT, arg, 2);
                case "-l", "--list" -> verb(Verb.LIST, arg, 0);
                case "--info", "info" -> verb(Verb.INFO, arg, 1);
                case "-t", "--terminate" -> verb(Verb.TERMINATE, arg, 1);
                case "--shutdown" -> verb(Verb.SHUTDOWN, arg, 0);
                case "--unregister" -> verb(Verb.UNREGISTER, arg, 1);
                case "--manage" -> {
                    verb(Verb.MANAGE, arg, 1);
                    String setting = value(arg, "a setting (--set-backend, --set-memory or --set-cpus)");
                    if (!Invocation.MANAGED_SETTINGS.contains(setting)) {
                        throw new UsageException("'--manage' cannot change '" + setting + "'; it knows "
                                + String.join(", ", Invocation.MANAGED_SETTINGS));
                    }
                    paths.add(setting);
                    paths.add(value(setting, "a value"));
                }
                case "-s", "--set-default" -> verb(Verb.SET_DEFAULT, arg, 1);
                case "-h", "--help" -> verb(Verb.HELP, arg, 0);
                case "-v", "--verbose" -> verbose = true;
                case "--json" -> json = true;
                case "shell" -> verb(Verb.GOGO_SHELL, arg, 0);
                case "run" -> {
                    // run's own options (-d) are the general ones; it only insists on a command
                    Invocation run = parse();
                    if (run.verb() != Verb.EXEC) {
                        throw new UsageException("'run' needs a command after '--'");
                    }
                    return run;
                }
                default -> {
                    if (arg.startsWith("-")) {
                        throw new UsageException("unknown option '" + arg + "'");
                    }
                    return shellLine(args.subList(next - 1, args.size()));
                }
            }
        }
        if (verb == null) {
            return new Invocation(Verb.LOGIN_SHELL, instance, user, cwd, List.of("/bin/sh", "-l"), paths, false, false);
        }
        if (verbose && verb != Verb.LIST) {
            throw new UsageException("option '--verbose' only applies to '--list'");
        }
        if (json && verb != Verb.LIST && verb != Verb.INFO) {
            throw new UsageException("option '--json' only applies to '--list' and '--info'");
        }
        return new Invocation(verb, instance, user, cwd, command, paths, verbose, json);
    }

    private void verb(Verb found, String arg, int operands) throws UsageException {
        if (verb != null) {
            throw new UsageException("'" + arg + "' cannot be combined with another command");
        }
        verb = found;
        if (args.size() - next < operands) {
            throw new UsageException("'" + arg + "' needs " + operands + (operands == 1 ? " argument" : " arguments")
                    + " but got " + (args.size() - next));
        }
        for (int i = 0; i < operands; i++) {
            String operand = args.get(next++);
            if (operand.isEmpty()) {
                throw new UsageException("'" + arg + "' got an empty argument");
            }
            if (i == 0) {
                instance = operand;
            } else {
                paths.add(operand);
            }
        }
    }

    private String value(String option, String what) throws UsageException {
        if (next >= args.size() || args.get(next).isEmpty()) {
            throw new UsageException("option '" + option + "' needs " + what);
        }
        return args.get(next++);
    }

    private Invocation exec(List<String> argv) throws UsageException {
        if (verb != null) {
            throw new UsageException("a command cannot follow '" + verb.name().toLowerCase().replace('_', '-') + "'");
        }
        return new Invocation(Verb.EXEC, instance, user, cwd, argv, List.of(), false, false);
    }

    private Invocation shellLine(List<String> words) throws UsageException {
        return exec(List.of("/bin/sh", "-c", String.join(" ", words)));
    }
}
