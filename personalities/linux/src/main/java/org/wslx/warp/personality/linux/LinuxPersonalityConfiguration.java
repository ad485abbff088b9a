package org.wslx.warp.personality.linux;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "WARP Linux personality", description = "How Track A (Linux) guests are booted.")
@interface LinuxPersonalityConfiguration {
    @AttributeDefinition(description = "Kernel (bzImage) to boot instead of the cached Debian cloud kernel; "
            + "the framework property warp.linux.kernel does the same.")
    String kernel() default "";

    @AttributeDefinition(description = "Expected SHA-256 of the configured kernel; empty to accept it unverified.")
    String kernel_sha256() default "";

    @AttributeDefinition(description = "Extra kernel command-line arguments appended to the standard ones.")
    String extra_cmdline() default "";
}
