package org.wslx.warp.personality;

import org.osgi.annotation.versioning.ConsumerType;
import org.wslx.warp.boot.BootPayload;

/**
 * A guest OS personality: knows how to boot images of one kind. Third parties implement this and
 * register it as a service with {@link #SERVICE_NAME_PROPERTY}; the core picks the personality an
 * image's manifest names, subject to policy, and uses one installed at run time without a restart.
 * The provider bundle should also declare the contract version it implements:
 * {@code Provide-Capability: warp.contract;warp.contract=personality;version:Version=1.0}.
 */
@ConsumerType
public interface Personality {
    /** Service property carrying {@link PersonalityDescriptor#name()}. */
    String SERVICE_NAME_PROPERTY = "warp.personality.name";

    PersonalityDescriptor descriptor();

    /**
     * Prepares everything needed to boot one instance once: kernel, initrds (including one that
     * carries the per-boot secret to the guest agent), command line.
     *
     * @throws PersonalityException if something the boot needs is missing (e.g. the kernel); the
     *                              message names the instance, the file and how to get it
     */
    BootPayload prepareBoot(BootRequest request) throws PersonalityException;
}
