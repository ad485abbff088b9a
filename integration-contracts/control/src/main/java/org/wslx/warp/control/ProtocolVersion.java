package org.wslx.warp.control;

/**
 * A control-plane protocol version. Peers with the same major version interoperate at the lower
 * of their minor versions.
 */
public record ProtocolVersion(int major, int minor) implements Comparable<ProtocolVersion> {
    /** The version this contract describes (see CONTROL-PLANE.md). */
    public static final ProtocolVersion CURRENT = new ProtocolVersion(1, 0);

    public boolean compatibleWith(ProtocolVersion other) {
        return major == other.major;
    }

    @Override
    public int compareTo(ProtocolVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
