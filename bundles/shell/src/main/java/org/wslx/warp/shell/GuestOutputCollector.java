package org.wslx.warp.shell;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.wslx.warp.control.ExitStatus;
import org.wslx.warp.control.GuestProcess;
import org.wslx.warp.instance.InstanceException;

/**
 * Waits for a guest process while draining its stdout and stderr together: reading one stream to
 * its end before the other would let a chatty stderr fill its flow-control window and stall the
 * guest. Output beyond {@link #LIMIT_BYTES} per stream is read and dropped so the guest still
 * finishes, and the result says it was cut.
 */
final class GuestOutputCollector {
    static final int LIMIT_BYTES = 8 * 1024 * 1024;

    private GuestOutputCollector() {
    }

    static ExecResult collect(String instance, List<String> argv, GuestProcess process)
            throws InstanceException, InterruptedException {
        try {
            process.stdin().close();
        } catch (IOException e) {
            throw new InstanceException("instance '" + instance + "': cannot close stdin of " + argv.get(0) + ": "
                    + e.getMessage(), e);
        }
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(process.stderr()));
        String stdout;
        ExitStatus status;
        try {
            stdout = drain(process.stdout());
            status = process.exit().toCompletableFuture().get();
            return new ExecResult(instance, argv, status.shellCode(), describe(status), stdout, stderr.get());
        } catch (ExecutionException | UncheckedIOException e) {
            Throwable cause = e.getCause();
            throw new InstanceException("instance '" + instance + "': lost the output of " + argv.get(0) + ": "
                    + cause.getMessage(), cause);
        } finally {
            stderr.cancel(true);
        }
    }

    private static String drain(InputStream in) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long total = 0;
        try (in) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                int room = (int) Math.max(0, Math.min(n, LIMIT_BYTES - total));
                kept.write(buffer, 0, room);
                total += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = kept.toString(StandardCharsets.UTF_8);
        return total > LIMIT_BYTES ? text + "\n[" + (total - LIMIT_BYTES) + " more bytes not kept]\n" : text;
    }

    private static String describe(ExitStatus status) {
        String base = switch (status.kind()) {
            case EXITED -> "exited with code " + status.value();
            case SIGNALED -> "killed by signal " + status.value();
            case NOT_STARTED -> "did not start (code " + status.value() + ")";
            case LOST -> "lost: the session ended before the process did";
        };
        return status.message().isEmpty() ? base : base + ": " + status.message();
    }
}
