package org.wslx.warp.vmm.kvm.bindings;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The signal that kicks a vCPU thread out of {@code KVM_RUN}: a real-time signal nothing else in this process
 * uses, with a handler that does nothing and is installed without {@code SA_RESTART}, so a {@code KVM_RUN}
 * interrupted by it returns {@code EINTR} instead of being restarted by the C library.
 *
 * <p>The handler is the C library's {@code getpid}. A signal handler runs on whatever thread receives the
 * signal, possibly in the middle of any JVM code, so it must be async-signal-safe and must not enter the JVM:
 * a JNA callback would attach the thread to the JVM and allocate, which is unsafe in a handler. {@code getpid}
 * is on POSIX's list of async-signal-safe functions, touches no memory, ignores the signal-number argument
 * the kernel passes in {@code rdi} (extra register arguments are harmless in the x86-64 calling convention)
 * and only clobbers {@code rax}, which the kernel's signal frame restores. The interruption of the system
 * call is what the kick is for; what the handler does is irrelevant.
 *
 * <p>The signal is chosen once per process: the first real-time signal, counting down from {@code SIGRTMAX},
 * whose disposition is still the default (HotSpot uses none of them; glibc reserves the two below
 * {@code SIGRTMIN}). A property {@value #PROPERTY} can force a number.
 */
public final class KickSignal {
    public static final String PROPERTY = "warp.vmm.kick.signal";

    /** glibc's x86-64 {@code struct sigaction}: handler, 128-byte mask, int flags (padded), restorer. */
    private static final int SIGACTION_SIZE = 152;
    private static final int SA_HANDLER = 0;
    private static final int SA_MASK = 8;
    private static final int SA_FLAGS = 136;
    private static final int SIGSET_SIZE = 128;

    private static volatile KickSignal installed;

    private final int number;

    private KickSignal(int number) {
        this.number = number;
    }

    /** The process-wide kick signal, installing its handler on first use. */
    public static KickSignal get() {
        KickSignal k = installed;
        if (k == null) {
            synchronized (KickSignal.class) {
                k = installed;
                if (k == null) {
                    k = new KickSignal(install());
                    installed = k;
                }
            }
        }
        return k;
    }

    public int number() {
        return number;
    }

    /** The calling thread's POSIX thread id, to be passed to {@link #send(long)} later. */
    public long currentThread() {
        // NATIVE: pthread_self has no arguments and cannot fail; the value stays valid while the thread lives,
        // and callers only send to a thread they know is still inside the monitor's run call.
        return LibC.pthread_self();
    }

    /** Makes sure the calling thread does not block the kick signal (threads inherit masks from their creator). */
    public void unblockInCurrentThread() {
        try (Memory set = new Memory(SIGSET_SIZE)) {
            set.clear();
            setBit(set, number);
            // NATIVE: set is a 128-byte sigset_t we own for the duration of the call; oldSet is NULL.
            int err = LibC.pthread_sigmask(LibC.SIG_UNBLOCK, set, Pointer.NULL);
            if (err != 0) {
                throw new IllegalStateException("cannot unblock vCPU kick signal " + number + ": " + LibC.strerror(err));
            }
        }
    }

    /** Sends the kick signal to a thread. Returns the error number (0 on success). */
    public int send(long thread) {
        // NATIVE: the thread id came from currentThread() on a thread the caller knows is alive (the caller holds
        // the lock that thread must take before it leaves the run call), so it names a live thread.
        return LibC.pthread_kill(thread, number);
    }

    private static int install() {
        int min = LibC.__libc_current_sigrtmin();
        int max = LibC.__libc_current_sigrtmax();
        String forced = System.getProperty(PROPERTY);
        // NATIVE: getpid is a function of libc, which stays loaded for the life of the process.
        long handler = Pointer.nativeValue(NativeLibrary.getInstance("c").getFunction("getpid"));
        try (Memory old = new Memory(SIGACTION_SIZE); Memory act = new Memory(SIGACTION_SIZE)) {
            if (forced != null) {
                int n = Integer.parseInt(forced.trim());
                if (n < min || n > max) {
                    throw new IllegalStateException(PROPERTY + "=" + n + " is not a real-time signal [" + min + ", " + max + "]");
                }
                setHandler(act, n, handler);
                return n;
            }
            for (int n = max; n >= min; n--) {
                old.clear();
                // NATIVE: act is NULL (query only); old is a 152-byte struct sigaction we own.
                LibC.sigaction(n, Pointer.NULL, old);
                long current = old.getLong(SA_HANDLER);
                if (current == 0L /* SIG_DFL */) {
                    setHandler(act, n, handler);
                    return n;
                }
            }
        }
        throw new IllegalStateException("no free real-time signal in [" + min + ", " + max + "] for kicking vCPUs out of KVM_RUN");
    }

    private static void setHandler(Memory act, int n, long handler) {
        act.clear();
        act.setLong(SA_HANDLER, handler);
        // Block the signal inside its own handler; flags 0 = no SA_RESTART, no SA_SIGINFO, no SA_RESETHAND.
        setBit(act.share(SA_MASK), n);
        act.setInt(SA_FLAGS, 0);
        // NATIVE: act is a fully initialised 152-byte struct sigaction we own; glibc copies it (and supplies its
        // own sa_restorer) before returning; oldAction is NULL.
        LibC.sigaction(n, act, Pointer.NULL);
    }

    private static void setBit(Pointer sigset, int signal) {
        int bit = signal - 1;
        long word = sigset.getLong((bit / 64) * 8L);
        sigset.setLong((bit / 64) * 8L, word | (1L << (bit % 64)));
    }
}
