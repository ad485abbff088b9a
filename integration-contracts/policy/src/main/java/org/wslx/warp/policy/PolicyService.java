package org.wslx.warp.policy;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Decides what is allowed. Every decision is logged and kept in a short history. */
@ProviderType
public interface PolicyService {
    PolicyDocument document();

    PolicyDecision check(PolicySubject subject, String name);

    /** Decides whether {@code contract} in {@code version} (an OSGi version) may be used. */
    PolicyDecision checkContract(String contract, String version);

    /**
     * Replaces the policy and persists it. Things that are no longer allowed are switched off by
     * whoever uses them (running instances on a disallowed backend are stopped, surfaces detached).
     *
     * @throws PolicyException if the document is invalid (e.g. a malformed version range)
     */
    void update(PolicyDocument document) throws PolicyException;

    /** The most recent decisions, newest last. */
    List<PolicyDecision> recentDecisions(int max);

    /** Registers a listener called after every {@link #update}. */
    void addListener(Runnable onChange);

    void removeListener(Runnable onChange);
}
