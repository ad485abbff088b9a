package org.wslx.warp.cli.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;

/** {@code wslx shell}: a Gogo session on the link's streams with a plain read-eval-print loop. */
final class GogoRepl {
    private GogoRepl() {
    }

    static int run(CommandProcessor processor, LinkConnection link) throws Exception {
        PrintStream out = new PrintStream(link.stdout(), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(link.stderr(), true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(link.stdin(), out, err);
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(link.stdin(), StandardCharsets.UTF_8));
            while (true) {
                out.print("g! ");
                out.flush();
                String line = lines.readLine();
                if (line == null || line.trim().equals("exit")) {
                    return 0;
                }
                if (line.isBlank()) {
                    continue;
                }
                try {
                    Object result = session.execute(line);
                    if (result != null) {
                        out.println(session.format(result, Converter.INSPECT));
                    }
                } catch (Exception e) {
                    err.println("gogo: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
                }
            }
        } finally {
            session.close();
        }
    }
}
