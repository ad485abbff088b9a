package org.wslx.warp.vmm.elf;

/** An ELF file is not a loadable ELF64 x86-64 executable; the message names the file and the cause. */
public class ElfFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String imageName;

    public ElfFormatException(String message) {
        this(null, message);
    }

    /**
     * @param imageName the image's name, which {@code message} starts with as {@code guest image 'NAME'}; null when
     *                  the message names no image that way
     * @param message   the whole message, a sentence naming the image and the cause
     */
    public ElfFormatException(String imageName, String message) {
        super(message);
        this.imageName = imageName;
    }

    /**
     * The cause alone: the message without its leading {@code guest image 'NAME'}, for a caller whose own message
     * names the file already (a boot method names the kernel by its full path). The whole message when the image
     * was not named.
     */
    public String reason() {
        String prefix = "guest image '" + imageName + "'";
        String message = getMessage();
        if (imageName == null || !message.startsWith(prefix)) {
            return message;
        }
        String rest = message.substring(prefix.length());
        return rest.startsWith(":") ? rest.substring(1).stripLeading() : rest.stripLeading();
    }
}
