package org.wslx.warp.backend.kvm.device;

import java.util.ArrayList;
import java.util.List;

import org.wslx.warp.vmm.bus.InterruptLine;

/** Test double: an interrupt line that remembers its level and every change. */
public final class RecordingLine implements InterruptLine {
    public final List<String> events = new ArrayList<>();
    private volatile boolean high;

    @Override
    public synchronized void raise() {
        high = true;
        events.add("raise");
    }

    @Override
    public synchronized void lower() {
        high = false;
        events.add("lower");
    }

    public boolean high() {
        return high;
    }
}
