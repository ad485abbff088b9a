package org.wslx.warp.shell;

/**
 * One {@code warp.contract} capability in the framework and policy's verdict on its version.
 *
 * @param contract the contract name, e.g. {@code backend}
 * @param version  the declared version
 * @param origin   the declaring bundle
 * @param allowed  whether policy allows this version
 * @param reason   policy's reason
 */
public record ContractEntry(String contract, String version, ProviderOrigin origin, boolean allowed, String reason) {
}
