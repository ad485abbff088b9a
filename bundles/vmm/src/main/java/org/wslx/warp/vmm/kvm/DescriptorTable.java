package org.wslx.warp.vmm.kvm;

import org.osgi.annotation.versioning.ProviderType;

/** A GDTR or IDTR value: linear base address and limit (size in bytes minus one). */
@ProviderType
public record DescriptorTable(long base, int limit) {
}
