package org.wslx.warp.vmm.elf;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One entry of the image's {@code .symtab}.
 *
 * @param name    the symbol's name
 * @param value   its address
 * @param size    its size in bytes (0 when unknown)
 * @param type    {@code STT_*}: {@link #STT_FUNC}, {@link #STT_OBJECT}, ...
 * @param binding {@code STB_*}: 0 local, 1 global, 2 weak
 */
@ProviderType
public record ElfSymbol(String name, long value, long size, int type, int binding) {
    public static final int STT_NOTYPE = 0;
    public static final int STT_OBJECT = 1;
    public static final int STT_FUNC = 2;

    public boolean isFunction() {
        return type == STT_FUNC;
    }
}
