package org.wslx.warp.vmm.kvm;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What one of the in-kernel 8259 interrupt controllers holds that decides whether and how it interrupts the
 * CPU: the vector of its input 0 ({@code vectorBase}, input n arrives as {@code vectorBase + n}), its interrupt
 * mask register (bit n set: input n masked), the requests and in-service bits, and whether its initialisation
 * sequence is complete.
 */
@ProviderType
public record PicState(int vectorBase, int mask, int requests, int inService, boolean initialised) {
}
