package org.wslx.warp.sandbox.kvm.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.wslx.warp.sandbox.SandboxConfig;
import org.wslx.warp.vmm.elf.Elf64Image;
import org.wslx.warp.vmm.elf.Elf64Reader;
import org.wslx.warp.vmm.elf.ElfFormatException;
import org.wslx.warp.vmm.elf.ElfSegment;

/** The sandbox layout of the real sample image, checked byte by byte in in-memory guest memory. */
class MachineImageBuilderTest {
    private static Elf64Image samples;

    @BeforeAll
    static void readSamples() throws Exception {
        String path = System.getProperty("warp.sandbox.samples", "target/generated-resources/guest-build/guest/samples.elf");
        assumeTrue(Files.isRegularFile(Path.of(path)), "sample guest image " + path + " was not built");
        samples = Elf64Reader.read(Path.of(path));
    }

    @Test
    void mapsEachRegionWithItsOwnPermissions() throws Exception {
        SandboxLayout layout = SandboxLayout.of(SandboxConfig.defaults());
        MachineImage image = MachineImageBuilder.build(samples, layout);
        GuestMemoryImage guest = new GuestMemoryImage(image);

        assertNull(guest.translate(0), "null page must not be mapped");
        assertNull(guest.translate(0xdead0000L), "outside guest memory must not be mapped");
        assertNull(guest.translate(layout.stackBottom() - 1), "guard page below the stack");
        assertNull(guest.translate(layout.stackTop()), "guard page between stack and input");

        var system = guest.translate(SandboxLayout.IDT);
        assertFalse(system.user(), "descriptor tables are supervisor-only");
        var stubs = guest.translate(SandboxLayout.FAULT_STUBS);
        assertTrue(stubs.executable() && !stubs.user() && !stubs.writable());
        var tables = guest.translate(SandboxLayout.PAGE_TABLES);
        assertFalse(tables.user(), "page tables are supervisor-only");

        var entry = guest.translate(image.entry());
        assertTrue(entry.user() && entry.executable() && !entry.writable(), "code is user read-execute");
        assertEquals(image.entry(), entry.physical(), "identity-mapped");
        var input = guest.translate(layout.inputBase());
        assertTrue(input.user() && !input.writable() && !input.executable(), "input is read-only, no-execute");
        var output = guest.translate(layout.outputBase() + layout.outputCapacity() - 1);
        assertTrue(output.user() && output.writable() && !output.executable(), "output is read-write, no-execute");
        var stack = guest.translate(layout.stackTop() - 8);
        assertTrue(stack.user() && stack.writable() && !stack.executable());

        // The image's bytes are where the ELF says, and its bss page is mapped writable.
        for (ElfSegment segment : samples.segments()) {
            var first = guest.translate(segment.virtualAddress());
            assertNotNull(first, "segment " + segment.index());
            assertEquals(segment.writable(), first.writable());
            assertEquals(segment.executable(), first.executable());
            byte[] expected = new byte[(int) segment.fileSize()];
            samples.fileBytes(segment).get(expected);
            byte[] actual = Arrays.copyOfRange(guest.memory.array(), (int) segment.physicalAddress(),
                    (int) (segment.physicalAddress() + segment.fileSize()));
            assertArrayEquals(expected, actual, "segment " + segment.index());
        }
        assertTrue(image.functions().keySet().containsAll(java.util.List.of("sum", "sha256", "fault", "loop", "echo")),
                image.functions().toString());
        assertEquals(image.functions().get("sum"), samples.symbol("warp_fn_sum").orElseThrow().value());
        assertTrue(image.functions().keySet().stream().noneMatch(name -> name.contains(".")),
                "compiler-split parts such as privileged_write.cold are not functions: " + image.functions().keySet());
    }

    @Test
    void systemTablesLetOnlyTheDonePortThroughAndRouteFaultsToStubs() throws Exception {
        MachineImage image = MachineImageBuilder.build(samples, SandboxLayout.of(SandboxConfig.defaults()));
        GuestMemoryImage guest = new GuestMemoryImage(image);
        var memory = guest.memory;

        assertEquals(SystemTables.USER_CODE_DESCRIPTOR, memory.getLong((int) SandboxLayout.GDT + 0x18));
        long tss = SandboxLayout.TSS;
        assertEquals(SandboxLayout.FAULT_STACK_TOP, memory.getLong((int) tss + 4), "RSP0");
        int bitmap = (int) tss + (memory.getShort((int) tss + 102) & 0xffff);
        for (int port = 0; port < 256; port++) {
            boolean denied = (memory.get(bitmap + port / 8) & (1 << (port % 8))) != 0;
            boolean done = port >= SandboxLayout.DONE_PORT && port < SandboxLayout.DONE_PORT + 4;
            assertEquals(!done, denied, "port 0x" + Integer.toHexString(port));
        }
        assertEquals((byte) 0xff, memory.get(bitmap + 32), "terminating byte");

        for (int vector = 0; vector < SystemTables.VECTORS; vector++) {
            int gate = (int) SandboxLayout.IDT + vector * 16;
            long low = memory.getLong(gate);
            long handler = (low & 0xffff) | ((low >>> 48) & 0xffff) << 16 | memory.getLong(gate + 8) << 32;
            assertEquals(SandboxLayout.FAULT_STUBS + vector * 16L, handler, "vector " + vector);
            assertEquals(SystemTables.KERNEL_CODE, (int) (low >>> 16) & 0xffff);
            int stub = (int) handler;
            assertEquals((byte) 0xb8, memory.get(stub), "mov $vector, %eax");
            assertEquals(vector, memory.getInt(stub + 1));
            assertEquals((byte) 0xe7, memory.get(stub + 5), "out %eax, $imm8");
            assertEquals((byte) SandboxLayout.FAULT_PORT, memory.get(stub + 6));
        }
        assertEquals(SandboxLayout.PAGE_TABLES, image.cpu().cr3());
        assertEquals(0xd00, image.cpu().efer());
    }

    @Test
    void rejectsAnImageThatDoesNotFitTheMemory() {
        // 2 MiB with 1 MiB of output leaves no room above the image base.
        assertThrows(IllegalArgumentException.class,
                () -> SandboxLayout.of(new SandboxConfig(2L << 20, 1 << 20, 1 << 20, 64 << 10)));
        SandboxLayout tight = SandboxLayout.of(new SandboxConfig(2L << 20, 0x70000, 0x70000, 0x10000));
        // The image ends above 0x102000, the limit is just below the stack.
        SandboxLayout tooSmall = new SandboxLayout(tight.memoryBytes(), tight.inputBase(), tight.inputCapacity(),
                tight.outputBase(), tight.outputCapacity(), tight.stackTop(), tight.stackBottom(), tight.imageBase(),
                0x101000);
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> MachineImageBuilder.build(samples, tooSmall));
        assertTrue(e.getMessage().contains("lies outside guest memory"), e.getMessage());
    }
}
