package org.wslx.warp.backend.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.wslx.warp.backend.DiskAttachment;
import org.wslx.warp.backend.MachineSpec;
import org.wslx.warp.backend.qemu.QemuCommandLine.MachineType;
import org.wslx.warp.boot.BootPayload;

class QemuCommandLineTest {
    private final Path run = Path.of("/run/warp/deb");
    private final MachineSpec spec = new MachineSpec("deb,ian", new BootPayload("linux", Path.of("/k/vmlinuz"),
            List.of(Path.of("/k/a.cpio"), Path.of("/k/b.cpio")), "console=ttyS0 quiet"), 2, 512,
            List.of(new DiskAttachment(Path.of("/d/root.ext4"), false), new DiskAttachment(Path.of("/d/ro.img"), true)),
            run, Path.of("/log/console.log"));

    /** The value following {@code option}, asserting the option appears exactly once. */
    private static String valueOf(List<String> argv, String option) {
        assertEquals(1, argv.stream().filter(option::equals).count(), option + " in " + argv);
        return argv.get(argv.indexOf(option) + 1);
    }

    @Test
    void pcUnderTcg() {
        List<String> argv = QemuCommandLine.build(spec, Path.of("/usr/bin/qemu-system-x86_64"), "tcg", MachineType.PC,
                new RuntimeFiles(run), 2_500_000);
        assertEquals("/usr/bin/qemu-system-x86_64", argv.get(0));
        assertEquals("pc,accel=tcg", valueOf(argv, "-machine"));
        assertEquals("max", valueOf(argv, "-cpu"));
        assertEquals("2", valueOf(argv, "-smp"));
        assertEquals("512M", valueOf(argv, "-m"));
        assertTrue(argv.containsAll(List.of("-nodefaults", "-no-user-config", "-nographic", "-no-reboot", "-S")));
        assertEquals("file:/log/console.log", valueOf(argv, "-serial"));
        assertEquals("/k/vmlinuz", valueOf(argv, "-kernel"));
        assertEquals("/run/warp/deb/initrd.img", valueOf(argv, "-initrd"));
        assertEquals("console=ttyS0 quiet", valueOf(argv, "-append"), "pc needs no TSC hint");
        assertTrue(argv.contains("file=/d/root.ext4,format=raw,if=none,id=disk0"), argv.toString());
        assertTrue(argv.contains("file=/d/ro.img,format=raw,if=none,id=disk1,readonly=on"), argv.toString());
        assertTrue(argv.indexOf("virtio-blk-pci,drive=disk0") < argv.indexOf("virtio-blk-pci,drive=disk1"), "disk order is kept");
        assertTrue(argv.contains("virtio-serial-pci,id=vser0"));
        assertTrue(argv.contains("socket,id=control,path=/run/warp/deb/control.sock,server=on,wait=off"));
        assertTrue(argv.contains("virtserialport,bus=vser0.0,chardev=control,name=org.wslx.warp.control.0"));
        assertTrue(argv.contains("socket,id=qmp,path=/run/warp/deb/qmp.sock,server=on,wait=off"));
        assertEquals("chardev=qmp,mode=control", valueOf(argv, "-mon"));
        assertEquals("guest=deb,,ian,process=warp-deb,,ian", valueOf(argv, "-name"), "commas in names are escaped");
    }

    @Test
    void guestAgentPortIsASecondPortOnTheSameBusOnlyWhenAskedFor() {
        List<String> plain = QemuCommandLine.build(spec, Path.of("qemu"), "tcg", MachineType.PC, new RuntimeFiles(run), 0);
        assertFalse(plain.stream().anyMatch(arg -> arg.contains("qga")), plain.toString());

        List<String> argv = QemuCommandLine.build(spec, Path.of("qemu"), "tcg", MachineType.PC, new RuntimeFiles(run), 0, true);
        int chardev = argv.indexOf("socket,id=qga,path=/run/warp/deb/qga.sock,server=on,wait=off");
        int port = argv.indexOf("virtserialport,bus=vser0.0,chardev=qga,name=org.qemu.guest_agent.0");
        assertEquals("-chardev", argv.get(chardev - 1));
        assertEquals("-device", argv.get(port - 1));
        assertTrue(argv.indexOf("virtio-serial-pci,id=vser0") < chardev && chardev < port, argv.toString());
        assertEquals(plain.size() + 4, argv.size(), "exactly one chardev and one port are added");
    }

    @Test
    void microvmUnderTcgGetsTheTscHintAndMmioDevices() {
        List<String> argv = QemuCommandLine.build(spec, Path.of("qemu"), "tcg", MachineType.MICROVM, new RuntimeFiles(run), 2_500_000);
        assertEquals("microvm,accel=tcg", valueOf(argv, "-machine"));
        assertEquals("console=ttyS0 quiet tsc_early_khz=2500000", valueOf(argv, "-append"));
        assertTrue(argv.contains("virtio-serial-device,id=vser0"));
        assertTrue(argv.contains("virtio-blk-device,drive=disk0"));
    }

    @Test
    void kvmUsesTheHostCpuAndNoTscHint() {
        List<String> argv = QemuCommandLine.build(spec, Path.of("qemu"), "kvm", MachineType.MICROVM, new RuntimeFiles(run), 2_500_000);
        assertEquals("host", valueOf(argv, "-cpu"));
        assertFalse(valueOf(argv, "-append").contains("tsc_early_khz"));
    }

    @Test
    void noInitrdOptionWithoutInitrds() {
        MachineSpec bare = new MachineSpec("x", new BootPayload("linux", Path.of("/k"), List.of(), null), 1, 64, List.of(), run,
                Path.of("/c.log"));
        assertFalse(QemuCommandLine.build(bare, Path.of("qemu"), "tcg", MachineType.PC, new RuntimeFiles(run), 0).contains("-initrd"));
    }

    @Test
    void unknownMachineTypeIsRefusedWithASentence() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MachineType.named("q35"));
        assertEquals("QEMU machine type must be 'pc' or 'microvm', not 'q35'", e.getMessage());
    }

    @Test
    void elf64BootsOnMicrovmWithTheNamedMmioConsolePortAndThePowerOffPortWhateverMachineIsConfigured() {
        MachineSpec direct = new MachineSpec("tb", new BootPayload("elf64", Path.of("/k/warp-kernel.elf"),
                List.of(Path.of("/i/image.warpb"), Path.of("/r/boot.warpb")), "console=ttyS0 warp.cpu_limit_ms=500"), 1, 256,
                List.of(), run, Path.of("/log/console.log"));
        List<String> argv = QemuCommandLine.build(direct, Path.of("qemu"), "tcg", MachineType.PC, new RuntimeFiles(run), 2_500_000);
        assertEquals("microvm,x-option-roms=off,rtc=off,isa-serial=on,ioapic2=off,accel=tcg", valueOf(argv, "-machine"));
        assertEquals("/k/warp-kernel.elf", valueOf(argv, "-kernel"));
        assertEquals("/run/warp/deb/initrd.img", valueOf(argv, "-initrd"));
        assertEquals("console=ttyS0 warp.cpu_limit_ms=500", valueOf(argv, "-append"), "no Linux-only TSC hint");
        assertEquals("virtio-mmio.force-legacy=false", valueOf(argv, "-global"));
        assertTrue(argv.contains("virtio-serial-device,id=vser0,max_ports=2"), "multiport: " + argv);
        int chardev = argv.indexOf("socket,id=control,path=/run/warp/deb/control.sock,server=on,wait=off");
        int port = argv.indexOf("virtserialport,bus=vser0.0,nr=1,chardev=control,name=org.wslx.warp.control.0");
        assertTrue(chardev > 0 && port > chardev, argv.toString());
        assertTrue(argv.contains("isa-debug-exit,iobase=0xf4,iosize=4"), argv.toString());
        assertFalse(argv.stream().anyMatch(a -> a.startsWith("virtconsole")),
                "no console port, which would drop what its socket does not take: " + argv);
        assertFalse(argv.contains("-drive"), "no disk was asked for");
        assertEquals("chardev=qmp,mode=control", valueOf(argv, "-mon"));
        assertTrue(argv.containsAll(List.of("-nodefaults", "-no-reboot", "-S")));
    }
}
