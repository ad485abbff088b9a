package org.wslx.warp.policy;

import java.util.List;
import java.util.Map;

/**
 * The policy as written in {@code policy.json}. A name in a list is allowed; {@code "*"} allows
 * every name of that kind; anything not listed is off. Surfaces default to none.
 *
 * @param backends      allowed backend names
 * @param personalities allowed personality names
 * @param surfaces      allowed integration-surface names
 * @param contracts     contract name to allowed OSGi version range, e.g. {@code "control": "[1.0,2.0)"};
 *                      a contract not named here is allowed in any version
 */
public record PolicyDocument(List<String> backends, List<String> personalities, List<String> surfaces,
        Map<String, String> contracts) {
    public PolicyDocument {
        backends = backends == null ? List.of() : List.copyOf(backends);
        personalities = personalities == null ? List.of() : List.copyOf(personalities);
        surfaces = surfaces == null ? List.of() : List.copyOf(surfaces);
        contracts = contracts == null ? Map.of() : Map.copyOf(contracts);
    }

    /** The policy used when none has been written: every backend and personality, no surface. */
    public static PolicyDocument defaults() {
        return new PolicyDocument(List.of("*"), List.of("*"), List.of(), Map.of());
    }
}
