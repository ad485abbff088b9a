package org.wslx.warp.personality.trackb;

/**
 * Whether a program is an executable for the Track B ABI (ABI.md): a static ELF64 x86-64
 * {@code ET_EXEC} whose loadable segments all lie in the user range and whose entry point is in an
 * executable segment. The kernel checks the same again before it runs a program; checking at import
 * turns a bad image into an error the user sees at once instead of a failed command later.
 */
final class AbiExecutable {
    /** Lowest user address a program may occupy (ABI.md: the first 4 MiB stay unmapped). */
    static final long USER_BOTTOM = 0x0000_0000_0040_0000L;
    /** One past the highest user address (the top of the canonical lower half). */
    static final long USER_TOP = 0x0000_8000_0000_0000L;

    private AbiExecutable() {
    }

    /** @param where names the program in messages, e.g. {@code image 'x': program 'hello' (bin/hello)} */
    static void check(byte[] bytes, String where) throws ArchiveException {
        Elf64File elf = Elf64File.parse(bytes, where);
        if (elf.type() != Elf64File.ET_EXEC) {
            throw new ArchiveException(where + " is not a static executable (ELF type " + elf.type()
                    + ", the ABI needs ET_EXEC = 2)");
        }
        boolean anyLoad = false;
        boolean entryInCode = false;
        int index = 0;
        for (Elf64File.Segment s : elf.segments()) {
            if (s.type() == Elf64File.PT_LOAD) {
                anyLoad = true;
                String segment = where + ": segment " + index + " [0x" + Long.toHexString(s.vaddr()) + ", 0x"
                        + Long.toHexString(s.vaddr() + s.memoryBytes()) + ")";
                if (Long.compareUnsigned(s.fileBytes(), s.memoryBytes()) > 0) {
                    throw new ArchiveException(segment + " has more file bytes than memory bytes");
                }
                if (Long.compareUnsigned(s.vaddr(), USER_BOTTOM) < 0 || Long.compareUnsigned(s.memoryBytes(), USER_TOP) > 0
                        || Long.compareUnsigned(s.vaddr(), USER_TOP - s.memoryBytes()) > 0) {
                    throw new ArchiveException(segment + " lies outside the user range [0x" + Long.toHexString(USER_BOTTOM)
                            + ", 0x" + Long.toHexString(USER_TOP) + ")");
                }
                if ((s.flags() & Elf64File.PF_X) != 0 && Long.compareUnsigned(elf.entry(), s.vaddr()) >= 0
                        && Long.compareUnsigned(elf.entry() - s.vaddr(), s.memoryBytes()) < 0) {
                    entryInCode = true;
                }
            }
            index++;
        }
        if (!anyLoad) {
            throw new ArchiveException(where + " has no loadable segment");
        }
        if (!entryInCode) {
            throw new ArchiveException(where + ": its entry point 0x" + Long.toHexString(elf.entry())
                    + " is not inside an executable segment");
        }
    }
}
