package org.wslx.warp.core;

import java.util.Optional;

/**
 * A registered provider of one contract (a backend, personality, boot method or surface), with the
 * contract version its bundle declares in the {@code warp.contract} namespace.
 *
 * @param name            the provider's name (backend name, personality name, ...)
 * @param service         the service object
 * @param bundle          the providing bundle's symbolic name and version, for messages
 * @param contractVersion the declared contract version, empty when the bundle declares none
 */
record Provider<T>(String name, T service, String bundle, Optional<String> contractVersion) {
}
