package org.wslx.warp.backend;

import java.nio.file.Path;

/** A raw disk image attached as a paravirtual block device. */
public record DiskAttachment(Path file, boolean readOnly) {
}
