package org.wslx.warp.policy.json;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.wslx.warp.policy.PolicyDecision;

/** The last few decisions, oldest first; older ones fall off so a busy service holds bounded memory. */
final class DecisionHistory {
    private final int capacity;
    private final Deque<PolicyDecision> decisions;

    DecisionHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("decision history needs room for at least one decision, not " + capacity);
        }
        this.capacity = capacity;
        this.decisions = new ArrayDeque<>(capacity);
    }

    synchronized void add(PolicyDecision decision) {
        if (decisions.size() == capacity) {
            decisions.removeFirst();
        }
        decisions.addLast(decision);
    }

    /** The newest {@code max} decisions, newest last. */
    synchronized List<PolicyDecision> newest(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("decision history: cannot return " + max + " decisions");
        }
        List<PolicyDecision> all = new ArrayList<>(decisions);
        return List.copyOf(all.subList(Math.max(0, all.size() - max), all.size()));
    }
}
