package org.wslx.warp.shell;

/**
 * A registered instance's image as {@code warp:images} shows it.
 *
 * @param instance    the instance name
 * @param personality the personality that boots it
 * @param osName      the distribution's name
 * @param osVersion   its version, or empty
 * @param defaultUser the user commands run as
 * @param diskBytes   the root disk's size in bytes, or -1 when the disk is missing
 */
public record ImageEntry(String instance, String personality, String osName, String osVersion, String defaultUser,
        long diskBytes) {
}
