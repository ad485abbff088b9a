package org.wslx.warp.personality.linux;

import java.util.regex.Pattern;

/** The kernel command line every Linux guest boots with; the agent reads {@code warp.root} from it. */
final class LinuxCommandLine {
    /** The root disk is the first virtio block device, the one the core attaches first. */
    static final String ROOT_DEVICE = "/dev/vda";
    // panic=-1 reboots at once on a panic, which a VMM started with -no-reboot turns into an exit.
    // pci=noacpi routes PCI interrupts from the firmware's table instead of evaluating ACPI link
    // objects: under emulation that AML cost ~300 ms of every boot (measured with QEMU pc/TCG),
    // while ACPI itself stays on for power-off. Harmless where there is no PCI (microvm, KVM).
    static final String BASE = "console=ttyS0 warp.root=" + ROOT_DEVICE + " rw quiet panic=-1 pci=noacpi";

    private static final Pattern UNSAFE = Pattern.compile("[\\x00-\\x1f\\x7f]");

    private LinuxCommandLine() {
    }

    /** Returns the base command line followed by the administrator's extra arguments, if any. */
    static String build(String extraArguments) {
        String extra = extraArguments == null ? "" : extraArguments.strip();
        if (UNSAFE.matcher(extra).find()) {
            throw new IllegalArgumentException(
                    "linux personality: extra kernel arguments '" + extra + "' contain control characters");
        }
        return extra.isEmpty() ? BASE : BASE + " " + extra;
    }
}
