package org.wslx.warp.control.wire;

import java.util.HashMap;
import java.util.Map;

/** A {@link FrameDialect} given as a table of (type, name, minimum payload) rows. */
public final class FrameTable implements FrameDialect {
    private final Map<Integer, String> names = new HashMap<>();
    private final Map<Integer, Integer> minimums = new HashMap<>();

    /** Adds a row; returns this table so that rows can be chained. */
    public FrameTable with(int type, String name, int minimumPayload) {
        if (names.putIfAbsent(type, name) != null) {
            throw new IllegalArgumentException("frame type 0x" + Integer.toHexString(type) + " is listed twice");
        }
        minimums.put(type, minimumPayload);
        return this;
    }

    /** A new table holding this one's rows, for a dialect that extends another. */
    public FrameTable copy() {
        FrameTable copy = new FrameTable();
        copy.names.putAll(names);
        copy.minimums.putAll(minimums);
        return copy;
    }

    @Override
    public boolean knows(int type) {
        return names.containsKey(type);
    }

    @Override
    public int minimumPayload(int type) {
        Integer minimum = minimums.get(type);
        return minimum == null ? 0 : minimum;
    }

    @Override
    public String name(int type) {
        String name = names.get(type);
        return name != null ? name : "frame type 0x" + Integer.toHexString(type);
    }
}
