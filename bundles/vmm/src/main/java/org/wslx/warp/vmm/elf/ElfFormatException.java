package org.wslx.warp.vmm.elf;

/** An ELF file is not a loadable ELF64 x86-64 executable; the message names the file and the cause. */
public class ElfFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public ElfFormatException(String message) {
        super(message);
    }
}
