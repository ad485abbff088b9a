package org.wslx.warp.control;

import java.util.EnumSet;
import java.util.Set;

/** Optional features a guest agent announces in HELLO; each is one bit on the wire. */
public enum Capability {
    /** EXEC may ask for a pseudo-terminal. */
    PTY(1),
    /** SIGNAL frames are delivered to processes. */
    SIGNALS(1 << 1),
    /** RESIZE frames change a pseudo-terminal's size. */
    RESIZE(1 << 2),
    /** CONFIG mount entries are honoured. */
    MOUNTS(1 << 3),
    /** EXEC may name a user other than the agent's own. */
    USERS(1 << 4);

    private final int bit;

    Capability(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public static Set<Capability> fromBits(long bits) {
        Set<Capability> set = EnumSet.noneOf(Capability.class);
        for (Capability c : values()) {
            if ((bits & c.bit) != 0) {
                set.add(c);
            }
        }
        return set;
    }

    public static int toBits(Set<Capability> capabilities) {
        int bits = 0;
        for (Capability c : capabilities) {
            bits |= c.bit;
        }
        return bits;
    }
}
