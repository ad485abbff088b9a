package org.wslx.warp.shell;

/**
 * One {@code warp.contract} capability as a bundle declares it.
 *
 * @param contract the contract name
 * @param version  the declared version
 * @param origin   the declaring bundle
 */
record DeclaredContract(String contract, String version, ProviderOrigin origin) {
}
