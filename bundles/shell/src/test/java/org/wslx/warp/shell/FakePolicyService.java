package org.wslx.warp.shell;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Version;
import org.osgi.framework.VersionRange;
import org.wslx.warp.policy.PolicyDecision;
import org.wslx.warp.policy.PolicyDocument;
import org.wslx.warp.policy.PolicyException;
import org.wslx.warp.policy.PolicyService;
import org.wslx.warp.policy.PolicySubject;

/** Allow lists and ranges as the contract describes them, without a file. */
final class FakePolicyService implements PolicyService {
    PolicyDocument document = PolicyDocument.defaults();
    final List<PolicyDecision> decisions = new ArrayList<>();
    int updates;

    @Override
    public PolicyDocument document() {
        return document;
    }

    @Override
    public PolicyDecision check(PolicySubject subject, String name) {
        List<String> names = switch (subject) {
            case BACKEND -> document.backends();
            case PERSONALITY -> document.personalities();
            case SURFACE -> document.surfaces();
            case CONTRACT -> throw new IllegalArgumentException("use checkContract");
        };
        boolean allowed = names.contains(name) || names.contains("*");
        return record(new PolicyDecision(subject, name, allowed, subject + " " + name + (allowed ? " listed" : " unlisted"),
                Instant.EPOCH));
    }

    @Override
    public PolicyDecision checkContract(String contract, String version) {
        String range = document.contracts().get(contract);
        boolean allowed = range == null || new VersionRange(range).includes(Version.parseVersion(version));
        return record(new PolicyDecision(PolicySubject.CONTRACT, contract + "@" + version, allowed,
                range == null ? "unrestricted" : "range " + range, Instant.EPOCH));
    }

    private PolicyDecision record(PolicyDecision decision) {
        decisions.add(decision);
        return decision;
    }

    @Override
    public void update(PolicyDocument replacement) throws PolicyException {
        for (Map.Entry<String, String> e : replacement.contracts().entrySet()) {
            try {
                new VersionRange(e.getValue());
            } catch (IllegalArgumentException bad) {
                throw new PolicyException("policy update: contract '" + e.getKey() + "' has a bad range", bad);
            }
        }
        document = replacement;
        updates++;
    }

    @Override
    public List<PolicyDecision> recentDecisions(int max) {
        return List.copyOf(decisions.subList(Math.max(0, decisions.size() - max), decisions.size()));
    }

    @Override
    public void addListener(Runnable onChange) {
    }

    @Override
    public void removeListener(Runnable onChange) {
    }
}
