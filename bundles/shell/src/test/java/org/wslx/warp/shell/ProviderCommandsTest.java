package org.wslx.warp.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wslx.warp.backend.Backend;
import org.wslx.warp.backend.BackendStatus;
import org.wslx.warp.backend.MachineSpec;
import org.wslx.warp.backend.VirtualMachine;
import org.wslx.warp.boot.BootMethod;
import org.wslx.warp.boot.KernelDescription;
import org.wslx.warp.personality.BootRequest;
import org.wslx.warp.personality.Personality;
import org.wslx.warp.personality.PersonalityDescriptor;
import org.wslx.warp.boot.BootPayload;
import org.wslx.warp.policy.PolicyDocument;
import org.wslx.warp.surface.IntegrationSurface;
import org.wslx.warp.surface.SurfaceAttachment;
import org.wslx.warp.surface.SurfaceContext;

class ProviderCommandsTest {
    private static final ProviderOrigin QEMU_BUNDLE = new ProviderOrigin(7, "org.wslx.warp.backend.qemu",
            "0.1.0.SNAPSHOT", Map.of("backend", "1.0.0", "boot", "1.0.0"));
    private static final ProviderOrigin LINUX_BUNDLE = new ProviderOrigin(9, "org.wslx.warp.personality.linux",
            "0.1.0.SNAPSHOT", Map.of("personality", "1.0.0"));
    private static final ProviderOrigin FS_BUNDLE = new ProviderOrigin(11, "org.wslx.warp.surface.fs",
            "0.1.0.SNAPSHOT", Map.of("surface.fs", "1.0.0"));

    @TempDir
    Path workDir;
    private final FakePolicyService policy = new FakePolicyService();
    private final List<DeclaredContract> declared = new ArrayList<>();
    private ProviderCommands commands;
    private GogoHarness gogo;

    @BeforeEach
    void setUp() throws Exception {
        commands = new ProviderCommands(policy, () -> List.copyOf(declared));
        gogo = new GogoHarness(workDir, commands);
    }

    @AfterEach
    void tearDown() {
        gogo.close();
    }

    @Test
    void backendsShowStatusPolicyBundleAndContract() throws Exception {
        commands.addBackend("kvm-ref", backend("kvm", new BackendStatus("kvm", false, "", "", "no /dev/kvm here")),
                new ProviderOrigin(8, "org.wslx.warp.backend.kvm", "0.1.0.SNAPSHOT", Map.of()));
        commands.addBackend("qemu-ref", backend("qemu",
                new BackendStatus("qemu", true, "QEMU 7.2.19", "tcg", "kvm_pvm cannot run Linux, so TCG")), QEMU_BUNDLE);
        policy.document = new PolicyDocument(List.of("qemu"), List.of("*"), List.of(), Map.of());

        @SuppressWarnings("unchecked")
        Listing<BackendEntry> listing = (Listing<BackendEntry>) gogo.run("warp:backends");
        assertEquals(List.of("kvm", "qemu"), listing.items().stream().map(e -> e.status().name()).toList());
        BackendEntry qemu = listing.items().get(1);
        assertTrue(qemu.allowed());
        assertEquals("1.0.0", qemu.contractVersion());
        assertFalse(listing.items().get(0).allowed());
        assertEquals("undeclared", listing.items().get(0).contractVersion());

        String[] lines = gogo.print("warp:backends").split("\n");
        String bundle = QEMU_BUNDLE.describe();
        assertEquals("NAME  AVAILABLE  VERSION      ACCEL  POLICY   " + pad("BUNDLE", bundle.length())
                + "CONTRACT    DETAIL", lines[0]);
        assertEquals("qemu  yes        QEMU 7.2.19  tcg    allowed  " + pad(bundle, bundle.length())
                + "1.0.0       kvm_pvm cannot run Linux, so TCG", lines[2]);
    }

    @Test
    void removedProvidersDisappear() throws Exception {
        commands.addBackend("qemu-ref", backend("qemu", new BackendStatus("qemu", true, "", "tcg", "")), QEMU_BUNDLE);
        commands.removeProvider("qemu-ref");
        assertEquals("no backends", gogo.print("warp:backends"));
    }

    @Test
    void personalitiesShowDescriptorAndBundle() throws Exception {
        PersonalityDescriptor linux = new PersonalityDescriptor("linux", "A", "1.0", "Debian linux-image-cloud-amd64",
                "Boots Linux distributions.");
        commands.addPersonality("linux-ref", new Personality() {
            @Override
            public PersonalityDescriptor descriptor() {
                return linux;
            }

            @Override
            public BootPayload prepareBoot(BootRequest request) {
                throw new UnsupportedOperationException("not booted in this test");
            }
        }, LINUX_BUNDLE);

        PersonalityEntry entry = (PersonalityEntry) ((Listing<?>) gogo.run("warp:personalities")).items().get(0);
        assertEquals(new PersonalityEntry(linux, true, LINUX_BUNDLE, "1.0.0"), entry);
        assertTrue(gogo.print("warp:personalities").contains("Boots Linux distributions."));
    }

    @Test
    void bootMethodsAndSurfacesListTheirBundles() throws Exception {
        commands.addBootMethod("linux-boot", new BootMethod() {
            @Override
            public String name() {
                return "linux";
            }

            @Override
            public KernelDescription inspect(Path kernel) {
                throw new UnsupportedOperationException("no kernel in this test");
            }
        }, QEMU_BUNDLE);
        commands.addSurface("fs-ref", new IntegrationSurface() {
            @Override
            public String name() {
                return "fs-share";
            }

            @Override
            public SurfaceAttachment attach(SurfaceContext context) {
                throw new UnsupportedOperationException("no instance in this test");
            }
        }, FS_BUNDLE);

        assertEquals(List.of(new ProviderEntry("linux", true, QEMU_BUNDLE, "1.0.0")),
                ((Listing<?>) gogo.run("warp:bootmethods")).items());
        assertEquals(List.of(new ProviderEntry("fs-share", false, FS_BUNDLE, "surface.fs 1.0.0")),
                ((Listing<?>) gogo.run("warp:surfaces")).items(), "surfaces are off by default");
        String bundle = FS_BUNDLE.describe();
        assertEquals("NAME      POLICY  " + pad("BUNDLE", bundle.length()) + "CONTRACT\n"
                + "fs-share  denied  " + pad(bundle, bundle.length()) + "surface.fs 1.0.0",
                gogo.print("warp:surfaces"));
    }

    @Test
    void contractsAreCheckedAgainstPolicyRanges() throws Exception {
        declared.add(new DeclaredContract("backend", "1.0.0", QEMU_BUNDLE));
        declared.add(new DeclaredContract("control", "2.0.0", QEMU_BUNDLE));
        policy.document = new PolicyDocument(List.of("*"), List.of("*"), List.of(), Map.of("control", "[1.0,2.0)"));

        List<?> items = ((Listing<?>) gogo.run("warp:contracts")).items();
        assertEquals(new ContractEntry("backend", "1.0.0", QEMU_BUNDLE, true, "unrestricted"), items.get(0));
        assertEquals(new ContractEntry("control", "2.0.0", QEMU_BUNDLE, false, "range [1.0,2.0)"), items.get(1));
        assertEquals(List.of("backend@1.0.0", "control@2.0.0"),
                policy.decisions.stream().map(d -> d.name()).toList(), "each check goes through policy");
    }

    /** A cell padded to its column's width plus the two-space gap. */
    private static String pad(String cell, int columnWidth) {
        return cell + " ".repeat(columnWidth - cell.length() + 2);
    }

    private static Backend backend(String name, BackendStatus status) {
        return new Backend() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public BackendStatus status() {
                return status;
            }

            @Override
            public Set<String> bootMethods() {
                return Set.of("linux");
            }

            @Override
            public VirtualMachine launch(MachineSpec spec) {
                throw new UnsupportedOperationException("no machines in this test");
            }
        };
    }
}
