package org.wslx.warp.policy.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.policy.PolicyDecision;
import org.wslx.warp.policy.PolicyDocument;
import org.wslx.warp.policy.PolicyException;
import org.wslx.warp.policy.PolicySubject;

class JsonPolicyServiceTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dataDir;

    private Path policyFile() {
        return dataDir.resolve("policy.json");
    }

    private JsonPolicyService serviceWith(String json) throws Exception {
        Files.writeString(policyFile(), json);
        return new JsonPolicyService(policyFile(), CLOCK);
    }

    @Test
    void withoutFileEveryBackendAndPersonalityIsAllowedButNoSurface() {
        JsonPolicyService service = new JsonPolicyService(policyFile(), CLOCK);

        assertEquals(PolicyDocument.defaults(), service.document());
        assertTrue(service.check(PolicySubject.BACKEND, "qemu").allowed());
        assertTrue(service.check(PolicySubject.PERSONALITY, "linux").allowed());
        PolicyDecision surface = service.check(PolicySubject.SURFACE, "fs-share");
        assertFalse(surface.allowed());
        assertTrue(surface.reason().contains("surfaces"), surface.reason());
        assertTrue(service.checkContract("control", "7.3.0").allowed());
        assertFalse(Files.exists(policyFile()), "reading the defaults must not create a file");
    }

    @Test
    void allowListsAllowOnlyTheNamedProviders() throws Exception {
        JsonPolicyService service = serviceWith("""
                {"backends": ["qemu"], "personalities": ["linux"], "surfaces": ["fs-share"], "contracts": {}}
                """);

        PolicyDecision qemu = service.check(PolicySubject.BACKEND, "qemu");
        assertTrue(qemu.allowed());
        assertEquals("backend 'qemu' is allowed because backends in " + policyFile() + " names it", qemu.reason());
        PolicyDecision kvm = service.check(PolicySubject.BACKEND, "kvm");
        assertFalse(kvm.allowed());
        assertTrue(kvm.reason().startsWith("backend 'kvm' is denied because backends"), kvm.reason());
        assertFalse(service.check(PolicySubject.PERSONALITY, "warp").allowed());
        assertTrue(service.check(PolicySubject.SURFACE, "fs-share").allowed());
        assertFalse(service.check(PolicySubject.SURFACE, "net").allowed());
        assertEquals(CLOCK.instant(), kvm.at());
    }

    @Test
    void wildcardAllowsEveryNameOfThatKindOnly() throws Exception {
        JsonPolicyService service = serviceWith("""
                {"backends": [], "personalities": [], "surfaces": ["*"]}
                """);

        PolicyDecision net = service.check(PolicySubject.SURFACE, "net");
        assertTrue(net.allowed());
        assertTrue(net.reason().contains("allows '*'"), net.reason());
        assertFalse(service.check(PolicySubject.BACKEND, "qemu").allowed());
    }

    @Test
    void contractRangesDecideVersions() throws Exception {
        JsonPolicyService service = serviceWith("""
                {"backends": ["*"], "contracts": {"control": "[1.0,2.0)", "surface.fs": "[1.1,1.1]"}}
                """);

        assertTrue(service.checkContract("control", "1.0.0").allowed());
        assertTrue(service.checkContract("control", "1.9.3").allowed());
        PolicyDecision tooNew = service.checkContract("control", "2.0.0");
        assertFalse(tooNew.allowed());
        assertEquals("control@2.0.0", tooNew.name());
        assertTrue(tooNew.reason().contains("outside the range [1.0,2.0)"), tooNew.reason());
        assertFalse(service.checkContract("surface.fs", "1.0").allowed());
        assertTrue(service.checkContract("surface.fs", "1.1").allowed());
        assertTrue(service.checkContract("backend", "9.0").allowed(), "unnamed contracts are unrestricted");
        assertFalse(service.checkContract("control", "one").allowed());
        assertTrue(service.check(PolicySubject.CONTRACT, "control@1.5").allowed());
        assertFalse(service.check(PolicySubject.CONTRACT, "control@3").allowed());
        assertThrows(IllegalArgumentException.class, () -> service.check(PolicySubject.CONTRACT, "control"));
    }

    @Test
    void malformedJsonFallsBackToDefaultsWithoutSurfaces() throws Exception {
        JsonPolicyService service = serviceWith("""
                {"backends": ["qemu"],
                 "surfaces": ["fs-share",
                """);

        assertEquals(PolicyDocument.defaults(), service.document());
        assertFalse(service.check(PolicySubject.SURFACE, "fs-share").allowed());
        assertTrue(service.check(PolicySubject.BACKEND, "kvm").allowed());
    }

    @Test
    void malformedFileIsReportedWithFileAndLine() throws Exception {
        Files.writeString(policyFile(), "{\n  \"backends\": [\"qemu\"],\n  \"surface\": [\"net\"]\n}\n");
        PolicyException e = assertThrows(PolicyException.class, () -> new PolicyFile(policyFile()).read());
        assertTrue(e.getMessage().startsWith("policy file '" + policyFile() + "' is malformed at line 3"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("key 'surface' is not one of backends, personalities, surfaces, contracts"),
                e.getMessage());
    }

    @Test
    void invalidRangeInFileFallsBackAndIsNamed() throws Exception {
        Files.writeString(policyFile(), "{\"surfaces\": [\"net\"], \"contracts\": {\"control\": \"[2.0,1.0\"}}");
        PolicyException e = assertThrows(PolicyException.class, () -> new PolicyFile(policyFile()).read());
        assertTrue(e.getMessage().contains("contract 'control' has version range '[2.0,1.0'"), e.getMessage());

        JsonPolicyService service = new JsonPolicyService(policyFile(), CLOCK);
        assertFalse(service.check(PolicySubject.SURFACE, "net").allowed());
    }

    @Test
    void updateWithBadRangeChangesNothing() throws Exception {
        JsonPolicyService service = serviceWith("{\"backends\": [\"qemu\"]}");
        String before = Files.readString(policyFile());
        AtomicInteger calls = new AtomicInteger();
        service.addListener(calls::incrementAndGet);

        PolicyDocument bad = new PolicyDocument(List.of("kvm"), List.of(), List.of(), Map.of("control", "[1.0"));
        PolicyException e = assertThrows(PolicyException.class, () -> service.update(bad));

        assertTrue(e.getMessage().startsWith("policy update: contract 'control'"), e.getMessage());
        assertEquals(List.of("qemu"), service.document().backends());
        assertEquals(before, Files.readString(policyFile()));
        assertEquals(0, calls.get());
    }

    @Test
    void updatePersistsAndRoundTripsThroughANewService() throws Exception {
        Path nested = dataDir.resolve("not-yet/created/policy.json");
        JsonPolicyService service = new JsonPolicyService(nested, CLOCK);
        PolicyDocument wanted = new PolicyDocument(List.of("qemu", "kvm"), List.of("linux"), List.of("fs-share"),
                Map.of("control", "[1.0,2.0)"));

        service.update(wanted);

        assertEquals(wanted, service.document());
        assertEquals(wanted, new JsonPolicyService(nested, CLOCK).document());
        try (var leftovers = Files.list(nested.getParent())) {
            assertEquals(List.of(nested), leftovers.toList(), "no temporary file may be left behind");
        }
    }

    @Test
    void updateOverARejectedFileKeepsItAside() throws Exception {
        JsonPolicyService service = serviceWith("{ not json");
        service.update(PolicyDocument.defaults());

        Path kept = dataDir.resolve("policy.json.rejected");
        assertEquals("{ not json", Files.readString(kept, StandardCharsets.UTF_8));
        assertEquals(PolicyDocument.defaults(), new PolicyFile(policyFile()).read());
    }

    @Test
    void listenersAreCalledAfterEachUpdateUntilRemoved() throws Exception {
        JsonPolicyService service = new JsonPolicyService(policyFile(), CLOCK);
        AtomicInteger calls = new AtomicInteger();
        List<PolicyDocument> seen = new java.util.ArrayList<>();
        Runnable listener = () -> {
            calls.incrementAndGet();
            seen.add(service.document());
        };
        Runnable broken = () -> {
            throw new IllegalStateException("listener broke");
        };
        service.addListener(broken);
        service.addListener(listener);
        PolicyDocument surfacesOn = new PolicyDocument(List.of("*"), List.of("*"), List.of("*"), Map.of());

        service.update(surfacesOn);
        assertEquals(1, calls.get());
        assertEquals(List.of(surfacesOn), seen, "listeners must see the new document");

        service.removeListener(listener);
        service.update(PolicyDocument.defaults());
        assertEquals(1, calls.get());
    }

    @Test
    void historyKeepsOnlyTheNewestDecisionsNewestLast() {
        JsonPolicyService service = new JsonPolicyService(policyFile(), CLOCK);
        int total = JsonPolicyService.HISTORY_CAPACITY + 50;
        for (int i = 0; i < total; i++) {
            service.check(PolicySubject.BACKEND, "backend-" + i);
        }

        List<PolicyDecision> all = service.recentDecisions(Integer.MAX_VALUE);
        assertEquals(JsonPolicyService.HISTORY_CAPACITY, all.size());
        assertEquals("backend-50", all.get(0).name());
        assertEquals("backend-" + (total - 1), all.get(all.size() - 1).name());
        List<PolicyDecision> lastThree = service.recentDecisions(3);
        assertEquals(List.of("backend-247", "backend-248", "backend-249"),
                lastThree.stream().map(PolicyDecision::name).toList());
        assertEquals(List.of(), service.recentDecisions(0));
        assertThrows(IllegalArgumentException.class, () -> service.recentDecisions(-1));
    }

    @Test
    void missingNamesAreRejectedWithASentence() {
        JsonPolicyService service = new JsonPolicyService(policyFile(), CLOCK);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> service.check(PolicySubject.SURFACE, " "));
        assertEquals("policy check: the surface name is missing", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> service.checkContract("control", null));
    }

    @Test
    void theDefaultsLetTrackBImagesRunOnTheKvmMonitorAndItsImageFormatBeUsed() {
        JsonPolicyService service = new JsonPolicyService(policyFile(), CLOCK);
        assertTrue(service.check(PolicySubject.PERSONALITY, "trackb").allowed());
        assertTrue(service.check(PolicySubject.BACKEND, "kvm").allowed());
        assertTrue(service.checkContract("personality", "1.0").allowed());
        assertTrue(service.checkContract("image", "1.1").allowed());
        assertTrue(service.checkContract("backend", "1.0").allowed());
    }
}
