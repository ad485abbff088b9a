package org.wslx.warp.sandbox.kvm;

import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.wslx.warp.sandbox.CallLimits;
import org.wslx.warp.sandbox.CallResult;
import org.wslx.warp.sandbox.PoolConfig;
import org.wslx.warp.sandbox.PoolStats;
import org.wslx.warp.sandbox.SandboxException;
import org.wslx.warp.sandbox.SandboxException.Kind;
import org.wslx.warp.sandbox.SandboxPool;

/**
 * Warm sandboxes of one image. At most {@code max} exist: each call holds one of {@code max} permits
 * while it uses a sandbox, and a sandbox is only created when none is idle. Idle sandboxes are reused
 * last-in first-out, so the most recently used (hottest) one serves the next call.
 */
final class KvmSandboxPool implements SandboxPool {
    /** Creates a sandbox for the pool; the factory registers it with the service. */
    interface Factory {
        KvmSandbox create() throws SandboxException;
    }

    private final LoadedImage image;
    private final PoolConfig config;
    private final Factory factory;
    private final Consumer<KvmSandboxPool> onClose;
    private final LinkedBlockingDeque<KvmSandbox> idle = new LinkedBlockingDeque<>();
    private final Semaphore permits;
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong discarded = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;

    KvmSandboxPool(LoadedImage image, PoolConfig config, Factory factory, Consumer<KvmSandboxPool> onClose)
            throws SandboxException {
        this.image = image;
        this.config = config;
        this.factory = factory;
        this.onClose = onClose;
        this.permits = new Semaphore(config.max(), true);
        try {
            for (int i = 0; i < config.warm(); i++) {
                idle.add(newSandbox());
            }
        } catch (SandboxException e) {
            close();
            throw e;
        }
    }

    @Override
    public LoadedImage image() {
        return image;
    }

    @Override
    public PoolConfig config() {
        return config;
    }

    @Override
    public CallResult call(String function, byte[] input, CallLimits limits) throws SandboxException {
        requireOpen();
        try {
            if (!permits.tryAcquire(limits.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                failures.incrementAndGet();
                throw new SandboxException(Kind.TIMEOUT, "sandbox pool of guest image '" + image.name() + "': all "
                        + config.max() + " sandboxes stayed busy for the call's time limit of "
                        + limits.timeout().toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(Kind.CLOSED, "sandbox pool of guest image '" + image.name()
                    + "': interrupted while waiting for a sandbox", e);
        }
        KvmSandbox sandbox = null;
        try {
            requireOpen();
            sandbox = idle.pollFirst();
            if (sandbox == null) {
                sandbox = newSandbox();
            }
            CallResult result = sandbox.call(function, input, limits);
            calls.incrementAndGet();
            return result;
        } catch (SandboxException e) {
            failures.incrementAndGet();
            throw e;
        } finally {
            if (sandbox != null) {
                giveBack(sandbox);
            }
            permits.release();
        }
    }

    private void giveBack(KvmSandbox sandbox) {
        if (!sandbox.usable()) {
            discarded.incrementAndGet();
            sandbox.close();
        } else if (closed) {
            sandbox.close();
        } else {
            idle.offerFirst(sandbox);
            if (closed && idle.remove(sandbox)) {
                sandbox.close(); // the pool closed while this one was on its way back
            }
        }
    }

    private KvmSandbox newSandbox() throws SandboxException {
        KvmSandbox sandbox = factory.create();
        created.incrementAndGet();
        return sandbox;
    }

    private void requireOpen() throws SandboxException {
        if (closed) {
            throw new SandboxException(Kind.CLOSED, "sandbox pool of guest image '" + image.name() + "' is closed");
        }
    }

    @Override
    public PoolStats stats() {
        int idleNow = idle.size();
        int busy = config.max() - permits.availablePermits();
        return new PoolStats(image.name(), idleNow, Math.max(busy, 0), created.get(), discarded.get(), calls.get(),
                failures.get());
    }

    /** Closes the idle sandboxes now; busy ones are closed as their calls return. */
    @Override
    public void close() {
        closed = true;
        KvmSandbox sandbox;
        while ((sandbox = idle.pollFirst()) != null) {
            sandbox.close();
        }
        onClose.accept(this);
    }

    @Override
    public String toString() {
        return "sandbox pool of '" + image.name() + "' " + stats();
    }
}
