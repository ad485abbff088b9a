package org.wslx.warp.control;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A process to start in the guest.
 *
 * @param argv             program and arguments; {@code argv[0]} is looked up in {@code PATH}
 * @param environment      variables added to (and overriding) the session's environment
 * @param workingDirectory directory to start in; empty means the user's home directory
 * @param user             user name to run as; empty means the instance's default user
 * @param terminal         a pseudo-terminal of this size, or {@code null} for three pipes
 */
public record ExecRequest(List<String> argv, Map<String, String> environment, String workingDirectory, String user,
        TerminalSize terminal) {
    public ExecRequest {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("exec request has an empty argv");
        }
        environment = Map.copyOf(environment);
        workingDirectory = Objects.requireNonNullElse(workingDirectory, "");
        user = Objects.requireNonNullElse(user, "");
    }

    /** A request for {@code argv} with the defaults for everything else. */
    public static ExecRequest of(String... argv) {
        return new ExecRequest(List.of(argv), Map.of(), "", "", null);
    }

    public ExecRequest withUser(String newUser) {
        return new ExecRequest(argv, environment, workingDirectory, newUser, terminal);
    }
}
