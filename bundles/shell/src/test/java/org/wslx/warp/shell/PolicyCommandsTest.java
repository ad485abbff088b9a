package org.wslx.warp.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.policy.PolicyDecision;
import org.wslx.warp.policy.PolicyDocument;
import org.wslx.warp.policy.PolicySubject;

class PolicyCommandsTest {
    @TempDir
    Path workDir;
    private final FakePolicyService policy = new FakePolicyService();
    private GogoHarness gogo;

    @BeforeEach
    void setUp() throws Exception {
        gogo = new GogoHarness(workDir, new PolicyCommands(policy));
    }

    @AfterEach
    void tearDown() {
        gogo.close();
    }

    @Test
    void policyPrintsTheDocument() throws Exception {
        assertEquals("backends:      *\npersonalities: *\nsurfaces:      (none)\ncontracts:     (any version)",
                gogo.print("warp:policy"));
    }

    @Test
    void allowAddsANameOnceAndUpdatesThePolicy() throws Exception {
        gogo.run("warp:allow surface fs-share");
        gogo.run("warp:allow surface fs-share");
        PolicyDocument document = (PolicyDocument) gogo.run("warp:allow SURFACE net");
        assertEquals(List.of("fs-share", "net"), document.surfaces());
        assertEquals(3, policy.updates);
    }

    @Test
    void denyRemovesANameAndDenyStarClearsTheList() throws Exception {
        policy.document = new PolicyDocument(List.of("qemu", "kvm"), List.of("*"), List.of("net"), Map.of());
        assertEquals(List.of("qemu"), ((PolicyDocument) gogo.run("warp:deny backend kvm")).backends());
        assertEquals(List.of(), ((PolicyDocument) gogo.run("warp:deny personality '*'")).personalities());
    }

    @Test
    void anUnquotedStarIsGlobbedByGogoAndNeverReachesThePolicy() {
        assertThrows(Exception.class, () -> gogo.run("warp:deny surface *"));
        assertEquals(0, policy.updates);
    }

    @Test
    void denyingOneNameUnderAWildcardIsRefusedWithAWayOut() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gogo.run("warp:deny backend kvm"));
        assertEquals("backend 'kvm' cannot be denied on its own while backends allows '*'; deny '*' first, then "
                + "allow the ones wanted", e.getMessage());
        assertEquals(0, policy.updates);
    }

    @Test
    void unknownKindIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gogo.run("warp:allow contract control"));
        assertEquals("policy kind 'contract' is not one of backend, personality, surface", e.getMessage());
    }

    @Test
    void decisionsShowsTheNewestAsATable() throws Exception {
        for (int i = 0; i < 30; i++) {
            policy.check(PolicySubject.SURFACE, "s" + i);
        }
        assertEquals(PolicyCommands.DEFAULT_DECISIONS, ((Listing<?>) gogo.run("warp:decisions")).items().size());
        @SuppressWarnings("unchecked")
        List<PolicyDecision> two = ((Listing<PolicyDecision>) gogo.run("warp:decisions 2")).items();
        assertEquals(List.of("s28", "s29"), two.stream().map(PolicyDecision::name).toList());
        String[] lines = gogo.print("warp:decisions 1").split("\n");
        assertEquals(2, lines.length);
        assertEquals("TIME                 SUBJECT  NAME  VERDICT  REASON", lines[0]);
        assertEquals(ConsoleTables.TIME.format(java.time.Instant.EPOCH) + "  surface  s29   deny     SURFACE s29 unlisted",
                lines[1]);
    }
}
