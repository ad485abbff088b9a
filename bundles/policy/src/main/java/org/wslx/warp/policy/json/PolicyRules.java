package org.wslx.warp.policy.json;

import java.time.Clock;
import java.util.List;
import java.util.Locale;

import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;
import org.wslx.warp.policy.PolicyDecision;
import org.wslx.warp.policy.PolicyDocument;
import org.wslx.warp.policy.PolicySubject;

/** Turns one policy document and a question into a decision with a reason naming the rule. */
final class PolicyRules {
    static final String EVERYTHING = "*";

    private final PolicyDocument document;
    private final String source;
    private final Clock clock;

    /** @param source where the document came from, for reasons, e.g. {@code /x/policy.json} */
    PolicyRules(PolicyDocument document, String source, Clock clock) {
        this.document = document;
        this.source = source;
        this.clock = clock;
    }

    PolicyDecision decide(PolicySubject subject, String name) {
        if (subject == PolicySubject.CONTRACT) {
            int at = name.lastIndexOf('@');
            if (at <= 0 || at == name.length() - 1) {
                throw new IllegalArgumentException("contract '" + name
                        + "' cannot be checked: contract names are written name@version, e.g. control@1.0");
            }
            return decideContract(name.substring(0, at), name.substring(at + 1));
        }
        String kind = subject.name().toLowerCase(Locale.ROOT);
        String list = listName(subject);
        List<String> allowed = listFor(subject);
        if (allowed.contains(name)) {
            return decision(subject, name, true,
                    kind + " '" + name + "' is allowed because " + list + " in " + source + " names it");
        }
        if (allowed.contains(EVERYTHING)) {
            return decision(subject, name, true,
                    kind + " '" + name + "' is allowed because " + list + " in " + source + " allows '*'");
        }
        return decision(subject, name, false, kind + " '" + name + "' is denied because " + list + " in " + source
                + " does not name it (anything not listed is off)");
    }

    PolicyDecision decideContract(String contract, String version) {
        String key = contract + "@" + version;
        String range = document.contracts().get(contract);
        if (range == null) {
            return decision(PolicySubject.CONTRACT, key, true, "contract '" + contract + "' version " + version
                    + " is allowed because " + source + " restricts no versions of it");
        }
        Version parsed;
        try {
            parsed = Version.parseVersion(version);
        } catch (IllegalArgumentException e) {
            return decision(PolicySubject.CONTRACT, key, false, "contract '" + contract + "' version '" + version
                    + "' is denied because it is not an OSGi version and so cannot be inside the range " + range);
        }
        boolean inside = new VersionRange(range).includes(parsed);
        return decision(PolicySubject.CONTRACT, key, inside, "contract '" + contract + "' version " + version + " is "
                + (inside ? "allowed because it is inside" : "denied because it is outside") + " the range " + range
                + " that " + source + " gives it");
    }

    static String listName(PolicySubject subject) {
        return switch (subject) {
            case BACKEND -> "backends";
            case PERSONALITY -> "personalities";
            case SURFACE -> "surfaces";
            case CONTRACT -> "contracts";
        };
    }

    private List<String> listFor(PolicySubject subject) {
        return switch (subject) {
            case BACKEND -> document.backends();
            case PERSONALITY -> document.personalities();
            case SURFACE -> document.surfaces();
            case CONTRACT -> throw new IllegalStateException("contracts are decided by version range");
        };
    }

    private PolicyDecision decision(PolicySubject subject, String name, boolean allowed, String reason) {
        return new PolicyDecision(subject, name, allowed, reason, clock.instant());
    }
}
