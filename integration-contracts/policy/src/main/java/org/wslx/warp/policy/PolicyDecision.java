package org.wslx.warp.policy;

import java.time.Instant;

/**
 * One decision, as logged.
 *
 * @param subject what kind of thing was decided about
 * @param name    its name (for contracts, {@code name@version})
 * @param allowed the verdict
 * @param reason  the rule that decided, as a sentence
 * @param at      when
 */
public record PolicyDecision(PolicySubject subject, String name, boolean allowed, String reason, Instant at) {
}
