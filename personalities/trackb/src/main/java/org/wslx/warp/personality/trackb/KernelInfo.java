package org.wslx.warp.personality.trackb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * What a Track B kernel says about itself in its ELF notes named {@code WARP}: type 1 the version
 * string, type 2 the comma-separated features, type 3 (optional) the ABI major as a 32-bit
 * integer. Read from the file, so an image can be checked against the kernel without booting it.
 */
record KernelInfo(KernelVersion version, int abi, List<String> features) {
    static final String NOTE_NAME = "WARP";
    static final int NOTE_VERSION = 1;
    static final int NOTE_FEATURES = 2;
    static final int NOTE_ABI = 3;

    KernelInfo {
        features = List.copyOf(features);
    }

    /** @param where names the kernel file in messages */
    static KernelInfo read(byte[] kernel, String where) throws ArchiveException {
        Elf64File elf = Elf64File.parse(kernel, where);
        String version = null;
        String features = null;
        int abi = 1;
        for (Elf64File.NoteArea area : elf.noteAreas()) {
            ByteBuffer notes = elf.bytes();
            long align = area.align() == 8 ? 8 : 4;
            long at = area.offset();
            long end = area.offset() + area.size();
            while (end - at >= 12) {
                long nameBytes = Integer.toUnsignedLong(notes.getInt((int) at));
                long descBytes = Integer.toUnsignedLong(notes.getInt((int) at + 4));
                int type = notes.getInt((int) at + 8);
                long nameAt = at + 12;
                long descAt = nameAt + ArchiveLayout.alignUp(nameBytes, align);
                long next = descAt + ArchiveLayout.alignUp(descBytes, align);
                if (descAt > end || descBytes > end - descAt) {
                    throw new ArchiveException(where + ": an ELF note at file offset " + at + " runs past its note area");
                }
                if (name(notes, nameAt, nameBytes).equals(NOTE_NAME)) {
                    byte[] desc = new byte[(int) descBytes];
                    notes.get((int) descAt, desc);
                    switch (type) {
                        case NOTE_VERSION -> version = string(desc);
                        case NOTE_FEATURES -> features = string(desc);
                        case NOTE_ABI -> abi = desc.length >= 4 ? ByteBuffer.wrap(desc).order(notes.order()).getInt() : abi;
                        default -> {
                            // Later kernels may describe more; what this host does not know it ignores.
                        }
                    }
                }
                at = next;
            }
        }
        if (version == null) {
            throw new ArchiveException(where + " has no WARP version note (ELF note 'WARP', type 1); "
                    + "it is not a Track B kernel built by personalities/trackb/guest/build-guest.sh");
        }
        KernelVersion parsed = KernelVersion.parse(version);
        if (parsed == null) {
            throw new ArchiveException(where + ": its WARP version note reads '" + version + "', not a version like 0.1.0");
        }
        List<String> list = features == null || features.isBlank() ? List.of()
                : Arrays.stream(features.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        return new KernelInfo(parsed, abi, list);
    }

    private static String name(ByteBuffer notes, long at, long bytes) {
        if (bytes == 0 || bytes > 64) {
            return "";
        }
        byte[] name = new byte[(int) bytes];
        notes.get((int) at, name);
        return string(name);
    }

    /** Note strings are usually NUL-terminated; the terminator is not part of the text. */
    private static String string(byte[] bytes) {
        int length = 0;
        while (length < bytes.length && bytes[length] != 0) {
            length++;
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8).strip();
    }

    @Override
    public String toString() {
        return "warp-kernel " + version + " (ABI " + abi + ", features " + features + ")";
    }
}
