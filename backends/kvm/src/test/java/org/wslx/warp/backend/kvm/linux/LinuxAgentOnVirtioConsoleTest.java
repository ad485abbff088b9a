package org.wslx.warp.backend.kvm.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.control.ByteStream;
import org.wslx.warp.control.ExecRequest;
import org.wslx.warp.control.ExitStatus;
import org.wslx.warp.control.GuestConfig;
import org.wslx.warp.control.GuestProcess;
import org.wslx.warp.control.GuestSession;
import org.wslx.warp.control.SessionParameters;
import org.wslx.warp.control.host.HostControlPlane;
import org.wslx.warp.control.wire.SocketStreams;

/**
 * The Linux agent on exactly the devices WARP's monitor offers, proven where hardware KVM is
 * absent: QEMU (TCG) with {@code -M microvm}, a virtio console on virtio-mmio without multiport
 * (the guest's /dev/hvc0), modern virtio-mmio, and the root disk as a virtio-mmio block device.
 * The host side is the real control plane; the guest side is the personality's initramfs.
 */
class LinuxAgentOnVirtioConsoleTest {
    private static final byte[] SECRET = new byte[32];

    static {
        for (int i = 0; i < SECRET.length; i++) {
            SECRET[i] = (byte) (0xA0 + i);
        }
    }

    @TempDir
    Path dir;

    @Test
    void theAgentSaysHelloOverHvc0AndRunsCommandsByteExactly() throws Exception {
        Path qemu = TrackAGuest.onPath("qemu-system-x86_64");
        String missing = qemu == null ? "qemu-system-x86_64 is not on PATH" : TrackAGuest.missing();
        if (missing != null) {
            System.out.println("skipped: " + missing);
        }
        Assumptions.assumeTrue(missing == null, missing);

        Path root = TrackAGuest.rootDisk(dir.resolve("root.img"), 32);
        Path initrd = dir.resolve("initrd.cpio");
        try (OutputStream out = Files.newOutputStream(initrd)) {
            Files.copy(TrackAGuest.INITRAMFS, out);
            Files.copy(TrackAGuest.secretArchive(dir.resolve("secret.cpio"), SECRET), out);
        }
        Path socket = dir.resolve("control.sock");
        Path console = dir.resolve("console.log");
        List<String> argv = new ArrayList<>(List.of(qemu.toString(),
                "-M", "microvm,x-option-roms=off,rtc=off,isa-serial=on,accel=tcg", "-cpu", "max", "-m", "256M",
                "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
                "-serial", "file:" + console, "-kernel", TrackAGuest.kernel().toString(), "-initrd", initrd.toString(),
                // microvm under TCG has nothing to calibrate the TSC against early enough.
                "-append", "console=ttyS0 panic=-1 warp.root=/dev/vda tsc_early_khz=" + tscKhz(),
                "-global", "virtio-mmio.force-legacy=false",
                "-drive", "file=" + root + ",format=raw,if=none,id=root", "-device", "virtio-blk-device,drive=root",
                "-device", "virtio-serial-device,id=vser0,max_ports=1",
                "-chardev", "socket,id=control,path=" + socket + ",server=on,wait=on",
                "-device", "virtconsole,bus=vser0.0,chardev=control",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=4"));
        Process vm = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.out").toFile()).start();
        try (ByteStream channel = connect(socket, vm)) {
            long t0 = System.nanoTime();
            GuestSession session = new HostControlPlane().open(channel,
                    new SessionParameters("hvc0", SECRET, new GuestConfig("hvc0", Map.of(), List.of()), Duration.ofSeconds(90)));
            System.out.printf("agent ready over /dev/hvc0 %.1f s after QEMU started (TCG)%n", (System.nanoTime() - t0) / 1e9);
            String log = Files.readString(console);
            assertTrue(log.contains("control channel is the virtio console /dev/hvc0"), log);
            assertTrue(log.contains("root is /dev/vda"), log);

            GuestProcess uname = session.exec(ExecRequest.of("uname", "-r").withUser("root"));
            String release = new String(uname.stdout().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(new ExitStatus(ExitStatus.Kind.EXITED, 0, ""), uname.exit().toCompletableFuture().get(30, TimeUnit.SECONDS));
            assertTrue(release.endsWith("-cloud-amd64"), release);

            // Every byte value, several times over, through cat and back: a line discipline would
            // turn CR into NL, eat ^C, ^S, ^Q or ^D, echo input, or strip the eighth bit.
            byte[] payload = new byte[256 * 64];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) i;
            }
            GuestProcess cat = session.exec(ExecRequest.of("cat").withUser("root"));
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> readAll(cat.stdout()));
            try (OutputStream stdin = cat.stdin()) {
                stdin.write(payload);
            }
            assertArrayEquals(payload, echoed.get(60, TimeUnit.SECONDS));
            assertEquals(0, cat.exit().toCompletableFuture().get(30, TimeUnit.SECONDS).shellCode());

            GuestProcess od = session.exec(ExecRequest.of("od", "-An", "-tx1", "-v").withUser("root"));
            try (OutputStream stdin = od.stdin()) {
                stdin.write(payload, 0, 256);
            }
            String dump = new String(od.stdout().readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s+", "");
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 256; i++) {
                expected.append(String.format("%02x", i));
            }
            assertEquals(expected.toString(), dump, "the guest received every byte value unchanged");
            session.shutdown(Duration.ofSeconds(30));
        } finally {
            if (!vm.waitFor(20, TimeUnit.SECONDS)) {
                vm.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** QEMU listens with wait=on, so the guest starts only once this end is connected. */
    private static ByteStream connect(Path socket, Process vm) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            if (Files.exists(socket)) {
                java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    InputStream in = SocketStreams.input(ch);
                    OutputStream out = SocketStreams.output(ch);
                    return new ByteStream() {
                        @Override
                        public InputStream input() {
                            return in;
                        }

                        @Override
                        public OutputStream output() {
                            return out;
                        }

                        @Override
                        public String describe() {
                            return "virtio console via " + socket;
                        }

                        @Override
                        public void close() throws IOException {
                            ch.close();
                        }
                    };
                } catch (IOException e) {
                    ch.close();
                }
            }
            if (!vm.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("QEMU did not offer the control socket " + socket + " (exit "
                        + (vm.isAlive() ? "none" : vm.exitValue()) + ")");
            }
            Thread.sleep(20);
        }
    }

    /** The host TSC frequency, which the guest kernel is told (tsc_early_khz). */
    private static long tscKhz() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("cpu MHz")) {
                return Math.round(Double.parseDouble(line.substring(line.indexOf(':') + 1).strip()) * 1000);
            }
        }
        return 0;
    }
}
