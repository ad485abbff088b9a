package org.wslx.warp.backend.qemu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.wslx.warp.backend.DiskAttachment;
import org.wslx.warp.backend.MachineSpec;

/**
 * The argv for one machine. The guest starts paused ({@code -S}) so the host can connect to the
 * control port before the guest's first byte, and {@code -no-reboot} turns a guest reset (what a
 * panicking kernel does) into the end of the process.
 */
final class QemuCommandLine {
    /** The virtio-serial port name the guest agent looks for (CONTROL-PLANE.md, section 1). */
    static final String CONTROL_PORT_NAME = "org.wslx.warp.control.0";
    /** The port name qemu-ga looks for; only present when the guest agent port is asked for. */
    static final String GUEST_AGENT_PORT_NAME = "org.qemu.guest_agent.0";
    /** The boot method of a kernel entered at its ELF entry (here: through its PVH note). */
    static final String ELF64_BOOT = "elf64";
    /**
     * A machine for kernels entered directly: microvm (virtio-mmio at 0xfeb00000, the UART at 0x3f8,
     * a local APIC) without option ROMs and without the RTC, whose CMOS such kernels do not read.
     * Without the second IOAPIC microvm has 8 virtio-mmio slots instead of 24, so its devices, which
     * it places from the last slot down, land in the 8-slot window of VIRTIO-MMIO-CHANNEL.md §1.
     */
    static final String DIRECT_BOOT_MACHINE = "microvm,x-option-roms=off,rtc=off,isa-serial=on,ioapic2=off";
    /**
     * The control port's number on the direct-boot console device. Port 0 can only hold a
     * virtconsole, which QEMU lets drop output its socket does not take; a virtserialport holds the
     * guest back instead, so the channel is the named port 1 of a multiport device.
     */
    static final int DIRECT_BOOT_CONTROL_PORT = 1;

    /** The QEMU machine model; {@code microvm} has virtio-mmio devices and no PCI or firmware POST. */
    enum MachineType {
        PC("pc", "virtio-serial-pci", "virtio-blk-pci"),
        MICROVM("microvm", "virtio-serial-device", "virtio-blk-device");

        final String qemuName;
        final String serialBus;
        final String blockDevice;

        MachineType(String qemuName, String serialBus, String blockDevice) {
            this.qemuName = qemuName;
            this.serialBus = serialBus;
            this.blockDevice = blockDevice;
        }

        static MachineType named(String name) {
            for (MachineType type : values()) {
                if (type.qemuName.equals(name)) {
                    return type;
                }
            }
            throw new IllegalArgumentException("QEMU machine type must be 'pc' or 'microvm', not '" + name + "'");
        }
    }

    private QemuCommandLine() {
    }

    /**
     * @param tscKhz the host TSC frequency in kHz; microvm under TCG has no device to calibrate the
     *               TSC against early enough, so the kernel is told it with {@code tsc_early_khz}
     */
    static List<String> build(MachineSpec spec, Path binary, String accelerator, MachineType machine, RuntimeFiles files,
            long tscKhz) {
        return build(spec, binary, accelerator, machine, files, tscKhz, false);
    }

    /**
     * @param guestAgentPort whether to add a second virtio-serial port for qemu-guest-agent, so the
     *                       benchmarks can compare WARP's exec path with {@code guest-exec} on the same guest
     */
    static List<String> build(MachineSpec spec, Path binary, String accelerator, MachineType machine, RuntimeFiles files,
            long tscKhz, boolean guestAgentPort) {
        boolean direct = isDirectBoot(spec);
        MachineType effective = direct ? MachineType.MICROVM : machine;
        List<String> argv = new ArrayList<>();
        argv.add(binary.toString());
        add(argv, "-name", "guest=" + escape(spec.instanceName()) + ",process=warp-" + escape(spec.instanceName()));
        add(argv, "-machine", (direct ? DIRECT_BOOT_MACHINE : machine.qemuName) + ",accel=" + accelerator);
        add(argv, "-cpu", accelerator.equals("kvm") ? "host" : "max");
        add(argv, "-smp", Integer.toString(spec.cpus()));
        add(argv, "-m", spec.memoryMiB() + "M");
        argv.addAll(List.of("-nodefaults", "-no-user-config", "-nographic", "-no-reboot", "-S"));
        add(argv, "-serial", "file:" + spec.consoleLog());
        add(argv, "-kernel", spec.payload().kernel().toString());
        if (!spec.payload().initrds().isEmpty()) {
            add(argv, "-initrd", files.initrd().toString());
        }
        add(argv, "-append", direct ? spec.payload().commandLine()
                : commandLine(spec.payload().commandLine(), accelerator, machine, tscKhz));
        List<DiskAttachment> disks = spec.disks();
        for (int i = 0; i < disks.size(); i++) {
            DiskAttachment disk = disks.get(i);
            add(argv, "-drive", "file=" + escape(disk.file().toString()) + ",format=raw,if=none,id=disk" + i
                    + (disk.readOnly() ? ",readonly=on" : ""));
            add(argv, "-device", effective.blockDevice + ",drive=disk" + i);
        }
        if (direct) {
            addDirectBootDevices(argv, files);
            return argv;
        }
        add(argv, "-device", machine.serialBus + ",id=vser0");
        add(argv, "-chardev", "socket,id=control,path=" + escape(files.controlSocket().toString()) + ",server=on,wait=off");
        add(argv, "-device", "virtserialport,bus=vser0.0,chardev=control,name=" + CONTROL_PORT_NAME);
        if (guestAgentPort) {
            add(argv, "-chardev", "socket,id=qga,path=" + escape(files.guestAgentSocket().toString()) + ",server=on,wait=off");
            add(argv, "-device", "virtserialport,bus=vser0.0,chardev=qga,name=" + GUEST_AGENT_PORT_NAME);
        }
        add(argv, "-chardev", "socket,id=qmp,path=" + escape(files.qmpSocket().toString()) + ",server=on,wait=off");
        add(argv, "-mon", "chardev=qmp,mode=control");
        return argv;
    }

    /**
     * The devices of VIRTIO-MMIO-CHANNEL.md §4 and entry-state.md: a modern virtio console on
     * virtio-mmio with two ports (so it offers the multiport feature) whose port 1 is the control
     * channel, named as on {@code pc}, and the power-off port 0xf4. The QMP monitor is added as for
     * every machine.
     */
    private static void addDirectBootDevices(List<String> argv, RuntimeFiles files) {
        add(argv, "-global", "virtio-mmio.force-legacy=false");
        add(argv, "-device", MachineType.MICROVM.serialBus + ",id=vser0,max_ports=" + (DIRECT_BOOT_CONTROL_PORT + 1));
        add(argv, "-chardev", "socket,id=control,path=" + escape(files.controlSocket().toString()) + ",server=on,wait=off");
        add(argv, "-device", "virtserialport,bus=vser0.0,nr=" + DIRECT_BOOT_CONTROL_PORT + ",chardev=control,name="
                + CONTROL_PORT_NAME);
        add(argv, "-device", "isa-debug-exit,iobase=0xf4,iosize=4");
        add(argv, "-chardev", "socket,id=qmp,path=" + escape(files.qmpSocket().toString()) + ",server=on,wait=off");
        add(argv, "-mon", "chardev=qmp,mode=control");
    }

    /** Whether the payload is a kernel entered directly (boot method {@code elf64}), not through the Linux protocol. */
    static boolean isDirectBoot(MachineSpec spec) {
        return ELF64_BOOT.equals(spec.payload().bootMethod());
    }

    static String commandLine(String base, String accelerator, MachineType machine, long tscKhz) {
        if (machine == MachineType.MICROVM && accelerator.equals("tcg") && tscKhz > 0 && !base.contains("tsc_early_khz=")) {
            return (base.isBlank() ? "" : base.strip() + " ") + "tsc_early_khz=" + tscKhz;
        }
        return base;
    }

    /** QEMU option values separate keys with commas; a literal comma is written twice. */
    static String escape(String value) {
        return value.replace(",", ",,");
    }

    private static void add(List<String> argv, String option, String value) {
        argv.add(option);
        argv.add(value);
    }
}
