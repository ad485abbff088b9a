package org.wslx.warp.cli.server;

import java.util.List;

/**
 * One parsed {@code wslx} command line.
 *
 * @param verb     what to do
 * @param instance the instance named with {@code -d} or by the verb, or null for the default
 * @param user     {@code -u}, or empty for the instance's default user
 * @param cwd      {@code --cd}, or empty for the user's home directory
 * @param command  the program and arguments for EXEC; for a command given without {@code --} or
 *                 {@code -e}, a {@code /bin/sh -c} line
 * @param paths    the DIR (optional) and FILE of IMPORT, the TAR of EXPORT, as typed; for MANAGE the setting and its value
 * @param verbose  {@code --verbose} for LIST
 * @param json     {@code --json} for LIST and INFO
 */
record Invocation(Verb verb, String instance, String user, String cwd, List<String> command, List<String> paths,
        boolean verbose, boolean json) {

    enum Verb { EXEC, LOGIN_SHELL, GOGO_SHELL, IMPORT, EXPORT, LIST, INFO, TERMINATE, SHUTDOWN, UNREGISTER, SET_DEFAULT, MANAGE, HELP }

    /** What {@code --manage NAME SETTING VALUE} can change, as wsl.exe's {@code --manage} options are spelled. */
    static final List<String> MANAGED_SETTINGS = List.of("--set-backend", "--set-memory", "--set-cpus");

    Invocation {
        command = List.copyOf(command);
        paths = List.copyOf(paths);
    }
}
