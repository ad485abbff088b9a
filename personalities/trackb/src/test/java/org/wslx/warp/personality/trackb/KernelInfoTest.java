package org.wslx.warp.personality.trackb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

class KernelInfoTest {
    @Test
    void readsVersionFeaturesAndAbiFromTheNotesAmongOthers() throws ArchiveException {
        KernelInfo info = KernelInfo.read(TestElf.kernel("0.3.12", "spawn, clock,map"), "k");
        assertEquals(new KernelVersion(0, 3, 12), info.version());
        assertEquals(List.of("spawn", "clock", "map"), info.features());
        assertEquals(1, info.abi(), "ABI 1 when the kernel does not say");

        byte[] withAbi = new TestElf().entry(0x100000).load(0x100000, new byte[4], 0x1000, 5)
                .note("WARP", KernelInfo.NOTE_VERSION, "1.0.0".getBytes())
                .note("WARP", KernelInfo.NOTE_ABI, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(2).array())
                .build();
        KernelInfo two = KernelInfo.read(withAbi, "k");
        assertEquals(2, two.abi());
        assertEquals(List.of(), two.features());
    }

    @Test
    void aKernelWithoutTheNoteIsRefused() {
        byte[] plain = new TestElf().entry(0x100000).load(0x100000, new byte[4], 0x1000, 5)
                .note("Xen", 18, new byte[4]).build();
        assertEquals("k has no WARP version note (ELF note 'WARP', type 1); it is not a Track B kernel built by "
                + "personalities/trackb/guest/build-guest.sh",
                assertThrows(ArchiveException.class, () -> KernelInfo.read(plain, "k")).getMessage());
        assertEquals("k is not an ELF file", assertThrows(ArchiveException.class, () -> KernelInfo.read(new byte[100], "k"))
                .getMessage());
    }

    @Test
    void versionsCompareNumerically() {
        assertEquals(1, Integer.signum(KernelVersion.parse("0.10.0").compareTo(KernelVersion.parse("0.9.9"))));
        assertEquals(0, KernelVersion.parse(" 1.2.3 ").compareTo(new KernelVersion(1, 2, 3)));
        assertEquals(null, KernelVersion.parse("1.2"));
    }
}
