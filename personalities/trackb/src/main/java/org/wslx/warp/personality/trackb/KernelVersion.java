package org.wslx.warp.personality.trackb;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A kernel version {@code MAJOR.MINOR.PATCH}, compared numerically. */
record KernelVersion(int major, int minor, int patch) implements Comparable<KernelVersion> {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})");

    /** Parses {@code 0.1.0}; returns null when the text is not of that form. */
    static KernelVersion parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text.strip());
        if (m == null || !m.matches()) {
            return null;
        }
        return new KernelVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    @Override
    public int compareTo(KernelVersion other) {
        int c = Integer.compare(major, other.major);
        if (c == 0) {
            c = Integer.compare(minor, other.minor);
        }
        return c != 0 ? c : Integer.compare(patch, other.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
