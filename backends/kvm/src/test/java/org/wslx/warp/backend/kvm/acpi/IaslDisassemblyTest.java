package org.wslx.warp.backend.kvm.acpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tables as ACPICA's own disassembler reads them ({@code iasl -d}, Debian package
 * acpica-tools): what it reports must be what the monitor meant to describe.
 */
class IaslDisassemblyTest {
    private static Path iasl;

    @TempDir
    Path dir;

    @BeforeAll
    static void findIasl() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, "iasl");
            if (Files.isExecutable(p)) {
                iasl = p;
            }
        }
        if (iasl == null) {
            System.out.println("skipped: iasl is not on PATH (Debian package acpica-tools; distribution/install-prerequisites.sh installs it)");
        }
        Assumptions.assumeTrue(iasl != null, "iasl is not on PATH (Debian package acpica-tools)");
    }

    private String disassemble(String name, byte[] table) throws IOException, InterruptedException {
        Path file = Files.write(dir.resolve(name + ".dat"), table);
        Process p = new ProcessBuilder(iasl.toString(), "-d", file.getFileName().toString()).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "iasl did not finish");
        assertEquals(0, p.exitValue(), output);
        return Files.readString(dir.resolve(name + ".dsl"));
    }

    /** Without comments, every run of white space one space: the statements as iasl wrote them. */
    private static String squeezed(String dsl) {
        return dsl.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "").replaceAll("\\s+", " ");
    }

    @Test
    void theDsdtDeclaresEachSlotAndTheUartWithTheirResources() throws Exception {
        AcpiPlatform platform = Platforms.of(2, 3, true);
        String dsl = squeezed(disassemble("dsdt", Dsdt.of(platform)));
        assertTrue(dsl.contains("DefinitionBlock (\"\", \"DSDT\", 2, \"WSLX \", \"WARPVM \", 0x00000001)"), dsl);
        assertTrue(dsl.contains("Scope (\\_SB)"), dsl);
        for (int n = 0; n < 3; n++) {
            String device = section(dsl, "Device (VR0" + n + ")");
            assertTrue(device.contains("Name (_HID, \"LNRO0005\")"), device);
            assertTrue(device.contains("Name (_UID, " + (n == 0 ? "Zero" : n == 1 ? "One" : "0x02") + ")"), device);
            assertTrue(device.contains("Name (_CCA, One)"), device);
            assertTrue(device.contains("Memory32Fixed (ReadWrite, 0x" + String.format("%08X", 0xFEB00000L + n * 0x200) + ", 0x00000200, )"),
                    device);
            assertTrue(device.contains("Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive, ,, ) { 0x0000000" + (5 + n) + ", }"),
                    device);
        }
        assertEquals(3, Pattern.compile("Device \\(VR0").matcher(dsl).results().count());
        String com1 = section(dsl, "Device (COM1)");
        assertTrue(com1.contains("Name (_HID, EisaId (\"PNP0501\")"), com1);
        assertTrue(com1.contains("Name (_UID, One)"), com1);
        assertTrue(com1.contains("IO (Decode16, 0x03F8, 0x03F8, 0x01, 0x08, )"), com1);
        assertTrue(com1.contains("Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive, ,, ) { 0x00000004, }"), com1);
        assertTrue(dsl.contains("Name (\\_S5, Package (0x04) { 0x05, 0x05, Zero, Zero })"), dsl);
    }

    @Test
    void theFixedTablesDisassembleAsMeant() throws Exception {
        AcpiImage image = AcpiTables.build(Platforms.of(4, 2, true), 0xE0000, 0x20000);
        String fadt = squeezed(disassemble("facp", slice(image, "FACP")));
        assertTrue(fadt.contains("Hardware Reduced (V5) : 1"), fadt);
        assertTrue(fadt.contains("Reset Register Supported (V2) : 1"), fadt);
        assertTrue(fadt.contains("Revision : 06"), fadt);
        assertTrue(fadt.contains("DSDT Address : " + String.format("%016X", image.tables().get("DSDT"))), fadt);
        assertTrue(fadt.contains("Sleep Control Register : [Generic Address Structure] [0F4h 0244 1] Space ID : 01 [SystemIO]"), fadt);
        assertTrue(fadt.contains("CMOS RTC Not Present (V5) : 1"), fadt);
        String madt = squeezed(disassemble("apic", slice(image, "APIC")));
        assertEquals(4, Pattern.compile("Subtable Type : 00 \\[Processor Local APIC\\]").matcher(madt).results().count(), madt);
        assertTrue(madt.contains("Address : FEC00000"), madt);
        assertTrue(Pattern.compile("Source : 06 \\[[^]]*\\] Interrupt : 00000006 \\[[^]]*\\] Flags \\(decoded below\\) : 000D"
                + " Polarity : 1 Trigger Mode : 3").matcher(madt).find(), madt);
        assertTrue(!madt.contains("****"), madt);
        assertTrue(!fadt.contains("****"), fadt);
    }

    private static byte[] slice(AcpiImage image, String signature) {
        int at = (int) (image.tables().get(signature) - image.base());
        int length = (int) Platforms.u32(image.bytes(), at + 4);
        return java.util.Arrays.copyOfRange(image.bytes(), at, at + length);
    }

    /** The text from {@code header} to the end of its block. */
    private static String section(String dsl, String header) {
        int start = dsl.indexOf(header);
        assertTrue(start >= 0, header + " not in:\n" + dsl);
        int depth = 0;
        for (int i = dsl.indexOf('{', start); i < dsl.length(); i++) {
            if (dsl.charAt(i) == '{') {
                depth++;
            } else if (dsl.charAt(i) == '}' && --depth == 0) {
                return dsl.substring(start, i + 1);
            }
        }
        return dsl.substring(start);
    }
}
