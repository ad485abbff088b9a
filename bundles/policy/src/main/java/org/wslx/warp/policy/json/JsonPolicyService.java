package org.wslx.warp.policy.json;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.wslx.warp.paths.WarpPaths;
import org.wslx.warp.policy.PolicyDecision;
import org.wslx.warp.policy.PolicyDocument;
import org.wslx.warp.policy.PolicyException;
import org.wslx.warp.policy.PolicyService;
import org.wslx.warp.policy.PolicySubject;

/**
 * The policy service backed by {@code <data dir>/policy.json}. A missing file means
 * {@link PolicyDocument#defaults()}. A file that cannot be used is never half-applied: the service
 * logs why and runs on the defaults, which allow every backend and personality but no surface, since
 * surfaces reach into the host and are the part of policy that must fail closed.
 */
@Component(service = PolicyService.class)
public final class JsonPolicyService implements PolicyService {
    static final int HISTORY_CAPACITY = 200;
    private static final Logger LOG = System.getLogger("org.wslx.warp.policy");

    private final PolicyFile file;
    private final Clock clock;
    private final DecisionHistory history = new DecisionHistory(HISTORY_CAPACITY);
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile PolicyDocument document;
    /** True while the file on disk was rejected, so the next update keeps a copy of it first. */
    private volatile boolean fileRejected;

    @Activate
    public JsonPolicyService(BundleContext context) {
        this(WarpPaths.resolve(context::getProperty, System::getenv).data().resolve("policy.json"), Clock.systemUTC());
    }

    JsonPolicyService(Path policyFile, Clock clock) {
        this.file = new PolicyFile(policyFile);
        this.clock = clock;
        this.document = load();
    }

    private PolicyDocument load() {
        try {
            PolicyDocument loaded = file.read();
            LOG.log(Level.INFO, () -> Files.exists(file.path())
                    ? "policy: loaded " + file.path()
                    : "policy: no " + file.path() + "; every backend and personality is allowed, no surface");
            return loaded;
        } catch (PolicyException e) {
            fileRejected = true;
            LOG.log(Level.ERROR, e.getMessage() + "; running on the default policy instead (every backend and "
                    + "personality allowed, every surface off, contracts unrestricted) until the file is fixed "
                    + "or a new policy is set");
            return PolicyDocument.defaults();
        }
    }

    @Override
    public PolicyDocument document() {
        return document;
    }

    @Override
    public PolicyDecision check(PolicySubject subject, String name) {
        Objects.requireNonNull(subject, "policy check needs a subject");
        requireName(name, "the " + subject.name().toLowerCase(java.util.Locale.ROOT) + " name");
        return record(rules().decide(subject, name));
    }

    @Override
    public PolicyDecision checkContract(String contract, String version) {
        requireName(contract, "the contract name");
        requireName(version, "the version of contract '" + contract + "'");
        return record(rules().decideContract(contract, version));
    }

    @Override
    public void update(PolicyDocument replacement) throws PolicyException {
        if (replacement == null) {
            throw new PolicyException("policy update: the new document is missing");
        }
        PolicyFile.validate(replacement, "policy update");
        synchronized (this) {
            if (fileRejected) {
                keepRejectedFile();
            }
            file.write(replacement);
            document = replacement;
            fileRejected = false;
        }
        LOG.log(Level.INFO, () -> "policy: updated " + file.path() + " to " + replacement);
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                // One broken listener must not keep the others from switching things off.
                LOG.log(Level.ERROR, "policy: a change listener failed after an update: " + e, e);
            }
        }
    }

    @Override
    public List<PolicyDecision> recentDecisions(int max) {
        return history.newest(max);
    }

    @Override
    public void addListener(Runnable onChange) {
        listeners.add(Objects.requireNonNull(onChange, "policy listener is missing"));
    }

    @Override
    public void removeListener(Runnable onChange) {
        listeners.remove(onChange);
    }

    private PolicyRules rules() {
        return new PolicyRules(document, file.path().toString(), clock);
    }

    private PolicyDecision record(PolicyDecision decision) {
        history.add(decision);
        LOG.log(decision.allowed() ? Level.DEBUG : Level.INFO, () -> "policy: " + decision.reason());
        return decision;
    }

    private void keepRejectedFile() {
        try {
            if (Files.exists(file.path())) {
                Path kept = file.setAside();
                LOG.log(Level.WARNING, "policy: the rejected " + file.path() + " was kept as " + kept);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "policy: the rejected " + file.path() + " could not be kept aside: " + e);
        }
    }

    private static void requireName(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("policy check: " + what + " is missing");
        }
    }
}
