package org.wslx.warp.backend;

import java.nio.file.Path;
import java.util.List;

import org.wslx.warp.boot.BootPayload;

/**
 * Everything a backend needs to start one machine.
 *
 * @param instanceName     the instance this machine belongs to (messages, process titles)
 * @param payload          kernel, initrds and command line
 * @param cpus             virtual CPUs
 * @param memoryMiB        guest memory in MiB
 * @param disks            block devices, attached in order (the first is the guest's /dev/vda)
 * @param runtimeDirectory a private directory for sockets and scratch files, removed after stop
 * @param consoleLog       file receiving the guest's serial console
 */
public record MachineSpec(String instanceName, BootPayload payload, int cpus, int memoryMiB, List<DiskAttachment> disks,
        Path runtimeDirectory, Path consoleLog) {
    public MachineSpec {
        disks = List.copyOf(disks);
        if (cpus < 1) {
            throw new IllegalArgumentException("instance '" + instanceName + "': cpus must be at least 1, not " + cpus);
        }
        if (memoryMiB < 64) {
            throw new IllegalArgumentException("instance '" + instanceName + "': memory must be at least 64 MiB, not " + memoryMiB);
        }
    }
}
