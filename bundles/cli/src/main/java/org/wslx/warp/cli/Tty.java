package org.wslx.warp.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The user's terminal, driven through stty(1) so the client needs no native code. */
final class Tty implements LinkClient.TerminalMode {
    private String saved;

    /** Rows and columns of the controlling terminal, or null when there is none. */
    static int[] size() {
        try {
            String[] parts = stty("size").trim().split(" ");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void raw() throws IOException {
        if (saved == null) {
            saved = stty("-g").trim();
            stty("raw", "-echo");
        }
    }

    void restore() {
        if (saved != null) {
            try {
                stty(saved);
            } catch (IOException ignored) {
                // the terminal went away; nothing left to restore
            }
        }
    }

    private static String stty(String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = "stty";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectInput(new File("/dev/tty"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] output = p.getInputStream().readAllBytes();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("stty " + String.join(" ", args) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running stty");
        }
        return new String(output, StandardCharsets.UTF_8);
    }
}
