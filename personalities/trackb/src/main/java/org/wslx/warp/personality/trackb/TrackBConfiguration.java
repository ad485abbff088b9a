package org.wslx.warp.personality.trackb;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "WARP Track B personality", description = "How Track B (reference kernel) guests are booted.")
@interface TrackBConfiguration {
    @AttributeDefinition(description = "CPU time a guest program may use before the kernel ends it, in milliseconds "
            + "(kernel command line warp.cpu_limit_ms); the framework property warp.trackb.cpuLimitMs does the same.")
    long cpu_limit_ms() default 0;

    @AttributeDefinition(description = "Extra kernel command-line arguments appended to the standard ones.")
    String extra_cmdline() default "";
}
