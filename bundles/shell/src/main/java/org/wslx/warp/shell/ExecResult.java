package org.wslx.warp.shell;

import java.util.List;

/**
 * A finished guest process.
 *
 * @param instance the instance it ran in
 * @param argv     the program and its arguments
 * @param exitCode the code a shell would report (128 + signal for a killed process)
 * @param status   how it ended, as a sentence
 * @param stdout   its standard output, decoded as UTF-8
 * @param stderr   its standard error, decoded as UTF-8
 */
public record ExecResult(String instance, List<String> argv, int exitCode, String status, String stdout,
        String stderr) {
    public ExecResult {
        argv = List.copyOf(argv);
    }
}
