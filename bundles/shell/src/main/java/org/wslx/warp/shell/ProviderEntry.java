package org.wslx.warp.shell;

/**
 * One provider service (boot method or integration surface) with its origin.
 *
 * @param name            the provider's name
 * @param allowed         whether policy allows it; boot methods are not policed and are always allowed
 * @param origin          the providing bundle
 * @param contractVersion the contract version its bundle declares
 */
public record ProviderEntry(String name, boolean allowed, ProviderOrigin origin, String contractVersion) {
}
