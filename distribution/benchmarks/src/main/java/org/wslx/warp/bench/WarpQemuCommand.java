package org.wslx.warp.bench;

import java.util.List;

/**
 * The argv of the QEMU process WARP started for an instance, read back from /proc so the bare peer
 * boots with exactly the machine, accelerator, CPU, memory, kernel and kernel command line WARP used.
 */
final class WarpQemuCommand {
    private final String instance;
    private final List<String> argv;

    private WarpQemuCommand(String instance, List<String> argv) {
        this.instance = instance;
        this.argv = argv;
    }

    /** Finds the QEMU process whose serial console is {@code consoleLog}. */
    static WarpQemuCommand of(String instance, String consoleLog) {
        ProcessHandle qemu = ProcFiles.withArgument("file:" + consoleLog).orElseThrow(() -> new IllegalStateException(
                "instance '" + instance + "': no running QEMU process writes its console to " + consoleLog));
        return new WarpQemuCommand(instance, ProcFiles.argv(qemu.pid()));
    }

    String binary() {
        return argv.get(0);
    }

    /** The value after {@code option}; the option must appear exactly once. */
    String value(String option) {
        int first = argv.indexOf(option);
        if (first < 0 || first != argv.lastIndexOf(option) || first + 1 >= argv.size()) {
            throw new IllegalStateException("instance '" + instance + "': QEMU's command line has " + option
                    + (first < 0 ? " nowhere" : " more than once or without a value") + ": " + argv);
        }
        return argv.get(first + 1);
    }

    /** "tcg" or "kvm", from {@code -machine TYPE,accel=X}. */
    String accelerator() {
        for (String part : value("-machine").split(",")) {
            if (part.startsWith("accel=")) {
                return part.substring("accel=".length());
            }
        }
        throw new IllegalStateException("instance '" + instance + "': QEMU's -machine " + value("-machine") + " names no accelerator");
    }

    /** The block device model WARP attached the root disk with (virtio-blk-pci on pc). */
    String rootDiskDevice() {
        for (String arg : argv) {
            if (arg.endsWith(",drive=disk0")) {
                return arg.substring(0, arg.indexOf(','));
            }
        }
        throw new IllegalStateException("instance '" + instance + "': QEMU's command line attaches no disk0: " + argv);
    }
}
