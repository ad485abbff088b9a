package org.wslx.warp.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.wslx.warp.policy.PolicyDecision;
import org.wslx.warp.policy.PolicyDocument;
import org.wslx.warp.policy.PolicyException;
import org.wslx.warp.policy.PolicyService;
import org.wslx.warp.policy.PolicySubject;

/** Gogo commands that show and change the policy document and show recent decisions. */
@Component(service = PolicyCommands.class, property = {
        "osgi.command.scope=warp",
        "osgi.command.function=policy",
        "osgi.command.function=allow",
        "osgi.command.function=deny",
        "osgi.command.function=decisions" })
public final class PolicyCommands {
    static final int DEFAULT_DECISIONS = 20;
    private static final String EVERYTHING = "*";
    private static final String NAME_HELP = "the provider's name, or '*' quoted (unquoted, Gogo expands it to file names)";

    private final PolicyService policy;

    @Activate
    public PolicyCommands(@Reference(name = "policy") PolicyService policy) {
        this.policy = policy;
    }

    @Descriptor("shows the policy document in force")
    public PolicyDocument policy() {
        return policy.document();
    }

    @Descriptor("allows a backend, personality or surface by name ('*' allows every one of that kind)")
    public PolicyDocument allow(@Descriptor("backend, personality or surface") String kind,
            @Descriptor(NAME_HELP) String name) throws PolicyException {
        PolicySubject subject = subjectOf(kind);
        requireName(subject, name);
        PolicyDocument current = policy.document();
        List<String> names = new ArrayList<>(namesOf(current, subject));
        if (!names.contains(name)) {
            names.add(name);
        }
        return replace(current, subject, names);
    }

    @Descriptor("denies a backend, personality or surface by name ('*' denies every one of that kind)")
    public PolicyDocument deny(@Descriptor("backend, personality or surface") String kind,
            @Descriptor(NAME_HELP) String name) throws PolicyException {
        PolicySubject subject = subjectOf(kind);
        requireName(subject, name);
        PolicyDocument current = policy.document();
        List<String> names = new ArrayList<>(namesOf(current, subject));
        if (EVERYTHING.equals(name)) {
            names.clear();
        } else if (names.contains(EVERYTHING)) {
            // The document has no "all but" form; rewriting '*' into today's names would silently
            // deny every provider installed later, so say what to do instead.
            throw new IllegalArgumentException(kind(subject) + " '" + name + "' cannot be denied on its own while "
                    + listName(subject) + " allows '*'; deny '*' first, then allow the ones wanted");
        } else {
            names.remove(name);
        }
        return replace(current, subject, names);
    }

    @Descriptor("shows the most recent policy decisions, newest last")
    public Listing<PolicyDecision> decisions() {
        return decisions(DEFAULT_DECISIONS);
    }

    @Descriptor("shows the most recent policy decisions, newest last")
    public Listing<PolicyDecision> decisions(@Descriptor("how many") int count) {
        if (count < 0) {
            throw new IllegalArgumentException("decisions: the count must be zero or more, not " + count);
        }
        return new Listing<>("decisions", policy.recentDecisions(count));
    }

    private PolicyDocument replace(PolicyDocument current, PolicySubject subject, List<String> names)
            throws PolicyException {
        PolicyDocument updated = switch (subject) {
            case BACKEND -> new PolicyDocument(names, current.personalities(), current.surfaces(), current.contracts());
            case PERSONALITY -> new PolicyDocument(current.backends(), names, current.surfaces(), current.contracts());
            case SURFACE -> new PolicyDocument(current.backends(), current.personalities(), names, current.contracts());
            case CONTRACT -> throw new IllegalStateException("contracts are policed by version range");
        };
        policy.update(updated);
        return policy.document();
    }

    private static PolicySubject subjectOf(String kind) {
        String normalized = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
        return switch (normalized) {
            case "backend" -> PolicySubject.BACKEND;
            case "personality" -> PolicySubject.PERSONALITY;
            case "surface" -> PolicySubject.SURFACE;
            default -> throw new IllegalArgumentException(
                    "policy kind '" + kind + "' is not one of backend, personality, surface");
        };
    }

    private static void requireName(PolicySubject subject, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("policy: the " + kind(subject) + " name is missing");
        }
    }

    private static List<String> namesOf(PolicyDocument document, PolicySubject subject) {
        return switch (subject) {
            case BACKEND -> document.backends();
            case PERSONALITY -> document.personalities();
            case SURFACE -> document.surfaces();
            case CONTRACT -> throw new IllegalStateException("contracts are policed by version range");
        };
    }

    private static String kind(PolicySubject subject) {
        return subject.name().toLowerCase(Locale.ROOT);
    }

    private static String listName(PolicySubject subject) {
        return kind(subject).equals("personality") ? "personalities" : kind(subject) + "s";
    }
}
