package org.wslx.warp.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.Test;
import org.wslx.warp.policy.PolicyDocument;

class WarpConverterTest {
    private final WarpConverter converter = new WarpConverter();

    @Test
    void listingsAreTablesWhenInspectedAndCountsInsideOtherOutput() {
        Listing<ProviderEntry> listing = new Listing<>("surfaces", List.of(
                new ProviderEntry("net", true, new ProviderOrigin(3, "b", "1.0.0", java.util.Map.of()), "surface.net 1.0.0")));
        assertEquals("NAME  POLICY   BUNDLE       CONTRACT\nnet   allowed  b 1.0.0 [3]  surface.net 1.0.0",
                converter.format(listing, Converter.INSPECT, null));
        assertEquals("1 surfaces", converter.format(listing, Converter.LINE, null));
        assertEquals("no surfaces", converter.format(new Listing<>("surfaces", List.of()), Converter.INSPECT, null));
    }

    @Test
    void policyDocumentIsOneLineInsideOtherOutput() {
        assertEquals("backends *; personalities *; surfaces (none); contracts (any version)",
                converter.format(PolicyDocument.defaults(), Converter.LINE, null));
    }

    @Test
    void execWithoutOutputStillSaysHowItEnded() {
        assertEquals("exit code 0 (exited with code 0)", converter.format(
                new ExecResult("debian", List.of("true"), 0, "exited with code 0", "", ""), Converter.INSPECT, null));
    }

    @Test
    void foreignObjectsAreLeftToGogo() {
        assertNull(converter.format("plain", Converter.INSPECT, null));
        assertNull(converter.convert(String.class, "x"));
    }

    @Test
    void tablesPadEveryColumnButTheLast() {
        TextTable table = new TextTable(List.of("A", "LONGER", "C")).row(List.of("wide cell", "x", ""));
        assertEquals("A          LONGER  C\nwide cell  x", table.render());
        assertThrows(IllegalArgumentException.class, () -> table.row(List.of("only one")));
    }

    @Test
    void sizesUseBinaryUnits() {
        assertEquals("512 B", ConsoleTables.size(512));
        assertEquals("1.5 GiB", ConsoleTables.size(1536L * 1024 * 1024));
        assertEquals("missing", ConsoleTables.size(-1));
    }
}
