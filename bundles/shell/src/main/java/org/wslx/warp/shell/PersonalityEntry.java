package org.wslx.warp.shell;

import org.wslx.warp.personality.PersonalityDescriptor;

/**
 * A personality as {@code warp:personalities} shows it.
 *
 * @param descriptor      what the personality says about itself
 * @param allowed         whether policy allows it
 * @param origin          the providing bundle
 * @param contractVersion the personality contract version its bundle declares
 */
public record PersonalityEntry(PersonalityDescriptor descriptor, boolean allowed, ProviderOrigin origin,
        String contractVersion) {
}
