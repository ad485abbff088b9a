package org.wslx.warp.backend.qemu;

import java.nio.file.Path;

/** Where one machine keeps its sockets and scratch files inside its runtime directory. */
record RuntimeFiles(Path directory) {
    Path qmpSocket() {
        return directory.resolve("qmp.sock");
    }

    Path controlSocket() {
        return directory.resolve("control.sock");
    }

    /** The host end of the optional qemu-guest-agent port ({@code warp.qemu.guestAgent=true}). */
    Path guestAgentSocket() {
        return directory.resolve("qga.sock");
    }

    /** The payload's initial ramdisks concatenated into the one file QEMU's -initrd takes. */
    Path initrd() {
        return directory.resolve("initrd.img");
    }

    /** QEMU's own stdout and stderr, for error messages when it fails to start or crashes. */
    Path qemuOutput() {
        return directory.resolve("qemu.stderr");
    }
}
