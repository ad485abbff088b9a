package org.wslx.warp.shell;

import org.wslx.warp.backend.BackendStatus;

/**
 * A backend as {@code warp:backends} shows it.
 *
 * @param status          the backend's own report (name, availability, version, accelerator, detail)
 * @param allowed         whether policy allows instances to use it
 * @param origin          the providing bundle
 * @param contractVersion the backend contract version its bundle declares
 */
public record BackendEntry(BackendStatus status, boolean allowed, ProviderOrigin origin, String contractVersion) {
}
